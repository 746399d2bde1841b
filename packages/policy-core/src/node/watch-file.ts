// Keeping a text file loaded while it changes on disk: the last value that parsed stays in force until a newer one
// parses too. A missing, unreadable or invalid file is a failed reload, never an empty value, and the failure is
// remembered: when the file comes back, even with the very bytes it had, it is taken again (the failure is over)
// instead of being ignored as "unchanged". Used for the policy, the profile and the tokens file alike. Each change is
// parsed once: a reload that finds the bytes (and the file's stat) a parse already failed on keeps that failure
// instead of parsing them again, so a file left invalid is not re-parsed at every poll.
import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import { PolicyError } from '../errors.js'
import { createFileWatcher, type FileWatcher } from './file-watcher.js'
import { readText } from './load.js'

export type ReloadOutcome = 'changed' | 'unchanged' | 'failed'

export interface WatchedFileOptions<T> {
  /** Text → value; throws when the text is invalid. May look at the file's stat too (its mode, say), nothing else. */
  parse(text: string): T
  /**
   * The value while the file does not exist, if that is allowed. Only a file that never existed may be absent: once
   * one was loaded, its disappearance is a failed reload.
   */
  whenMissing?: () => T
  /**
   * The value when the first load fails (otherwise it throws); the failure is kept, so the first valid read replaces
   * it. May rethrow for failures that must stop the caller.
   */
  fallback?: (err: Error) => T
  /** A new value is in force (also when the same bytes come back after a failure). */
  onChange?(value: T): void
  /** A reload failed; called once per distinct failure, not again while the same failure lasts. */
  onError?(err: Error): void
  /** Quiet time after the last file event before reloading. Default 100 ms. */
  debounceMs?: number
  /** While watching, also stat the file this often and reload when it changed (a safety net for events a filesystem does not report). Default 2000; 0 turns it off. Ignored with `watcher`. */
  pollMs?: number
  /** Watch with this (shared) watcher: one fs.watch per directory and one poll for all the files it follows. Default: one of its own. */
  watcher?: FileWatcher
}

export interface WatchedFile<T> {
  /** The value in force: the last one that loaded. */
  current(this: void): T
  /** Why the file as it is now is not what is in force (the last reload failed), else null. */
  failure(this: void): Error | null
  /** Whether the value in force came from the file (false: the file is absent and `whenMissing` gave it). */
  fromFile(this: void): boolean
  /** Re-read now. */
  reload(this: void): ReloadOutcome
  /** Start watching (idempotent). */
  watch(this: void): void
  close(this: void): void
}

const isMissing = (err: unknown): boolean => err instanceof PolicyError && err.code === 'FILE_NOT_FOUND'

function signature(path: string): string {
  const s = statSync(path, { throwIfNoEntry: false })
  return s ? `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` : 'missing'
}

/** Loads the file now (throws if that fails, unless it is missing and `whenMissing` is given). */
export function openWatchedFile<T>(path: string, opts: WatchedFileOptions<T>): WatchedFile<T> {
  const file = resolve(path)
  let text: string | null
  let value: T
  let failure: Error | null = null
  let read: string | null = null
  try {
    text = read = readText(file)
    value = opts.parse(text)
  } catch (err) {
    text = null
    if (opts.whenMissing && isMissing(err)) value = opts.whenMissing()
    else if (opts.fallback) {
      failure = err instanceof Error ? err : new Error(String(err))
      value = opts.fallback(failure)
    } else throw err
  }
  let seen = signature(file)
  /** The bytes and stat the last parse failed on: the same again are the same failure, not worth a second parse. */
  let rejected: { text: string; seen: string } | null = failure !== null && read !== null ? { text: read, seen } : null
  let timer: NodeJS.Timeout | undefined
  let unfollow: (() => void) | null = null
  let own: FileWatcher | null = null
  let closed = false

  const fail = (err: Error): ReloadOutcome => {
    if (failure?.message !== err.message) opts.onError?.(err)
    failure = err
    return 'failed'
  }

  const reload = (): ReloadOutcome => {
    if (closed) return 'unchanged'
    seen = signature(file)
    let next: string
    try {
      next = readText(file)
    } catch (err) {
      if (text === null && failure === null && opts.whenMissing && isMissing(err)) return 'unchanged'
      rejected = null
      return fail(err as Error)
    }
    if (next === text && failure === null) return 'unchanged'
    if (failure !== null && rejected?.text === next && rejected.seen === seen) return 'failed'
    let parsed: T
    try {
      parsed = opts.parse(next)
    } catch (err) {
      rejected = { text: next, seen }
      return fail(err instanceof Error ? err : new Error(String(err)))
    }
    text = next
    value = parsed
    failure = null
    rejected = null
    opts.onChange?.(value)
    return 'changed'
  }

  // Any event for the file re-reads it after a quiet time; identical bytes change nothing.
  const soon = (): void => {
    clearTimeout(timer)
    timer = setTimeout(reload, opts.debounceMs ?? 100)
    timer.unref()
  }
  // While a reload is failing, every tick looks again (reading, not parsing the same bytes twice).
  const tick = (): void => {
    if (failure !== null || signature(file) !== seen) reload()
  }

  return {
    current: () => value,
    failure: () => failure,
    fromFile: () => text !== null,
    reload,
    watch() {
      if (closed || unfollow) return
      const watcher = opts.watcher ?? (own = createFileWatcher(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }))
      unfollow = watcher.follow(file, { event: soon, tick })
    },
    close() {
      closed = true
      clearTimeout(timer)
      unfollow?.()
      own?.close()
    },
  }
}
