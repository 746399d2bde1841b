// Hot reload: watch the file's directory (editors save by rename, which a watch on the file itself would miss),
// debounce bursts of events, and keep serving the last valid policy when a new version fails to parse.
import { watch } from 'node:fs'
import type { FSWatcher } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { PolicyError } from '../errors.js'
import type { Policy } from '../policy.js'
import { loadPolicyFile } from './load.js'

export interface WatchOptions {
  onReload?: (policy: Policy) => void
  onError?: (err: PolicyError) => void
  /** Quiet time after the last file event before reloading. Default 100 ms. */
  debounceMs?: number
}

export interface PolicyWatcher {
  /** The last policy that loaded successfully. */
  current(): Policy
  /** Reload now (e.g. on SIGHUP); true when the file changed and loaded, false when unchanged or invalid. */
  reload(): boolean
  close(): void
}

/** Loads the file (throws if the first load fails: never start on an invalid policy), then watches it. */
export function watchPolicyFile(path: string, opts: WatchOptions = {}): PolicyWatcher {
  const file = resolve(path)
  let { policy, text } = loadPolicyFile(path)
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const reload = (): boolean => {
    if (closed) return false
    let next: { policy: Policy; text: string }
    try {
      next = loadPolicyFile(path)
    } catch (err) {
      const e = err instanceof PolicyError ? err : new PolicyError('FILE_READ_ERROR', String(err), { source: path, cause: err })
      opts.onError?.(e)
      return false
    }
    if (next.text === text) return false
    ;({ policy, text } = next)
    opts.onReload?.(policy)
    return true
  }

  const watcher: FSWatcher = watch(dirname(file), { persistent: false }, (_event, name) => {
    if (name !== null && name !== basename(file)) return
    clearTimeout(timer)
    timer = setTimeout(reload, opts.debounceMs ?? 100)
  })
  watcher.on('error', (err) => opts.onError?.(new PolicyError('FILE_READ_ERROR', `Watching ${path} failed: ${err.message}`, { source: path, cause: err })))

  return {
    current: () => policy,
    reload,
    close: () => {
      closed = true
      clearTimeout(timer)
      watcher.close()
    },
  }
}
