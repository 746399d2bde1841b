// Parse once per change, read only what changed: the gateway's three files (policy, profile, tokens) share one
// watcher, an edit of one of them parses it once (its file events and the poll together), leaves the files beside it
// unread, and a file left invalid is not parsed again at every poll.
import fs, { mkdirSync, mkdtempSync, rmSync, symlinkSync, renameSync, writeFileSync } from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFileWatcher } from './file-watcher.js'
import { openWatchedFile, type WatchedFile, type WatchedFileOptions } from './watch-file.js'

let dir: string
let open: Array<{ close(): void }> = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'file-watcher-'))
})
afterEach(() => {
  for (const o of open) o.close()
  open = []
  rmSync(dir, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
async function until(ok: () => boolean, ms = 3000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await sleep(10)) if (Date.now() > end) throw new Error('timed out')
}

/** A watched file of integers whose parses are counted. */
function counted(file: string, extra: Partial<WatchedFileOptions<number>> = {}): { f: WatchedFile<number>; parses: string[]; errors: string[] } {
  const parses: string[] = []
  const errors: string[] = []
  const f = openWatchedFile<number>(file, {
    parse: (text) => {
      parses.push(text)
      const n = Number(text)
      if (!Number.isInteger(n)) throw new Error(`not an integer: ${text}`)
      return n
    },
    onError: (e) => errors.push(e.message),
    debounceMs: 20,
    ...extra,
  })
  open.push(f)
  f.watch()
  return { f, parses, errors }
}

/** Records the first argument of every call of a node:fs function (every module's import of it sees the wrapper). */
function recordCalls(name: 'readFileSync' | 'watch'): string[] {
  const calls: string[] = []
  const fns = fs as unknown as Record<string, (...args: unknown[]) => unknown>
  const original = fns[name]!
  fns[name] = function (this: unknown, ...args: unknown[]) {
    calls.push(String(args[0]))
    return original.apply(this, args)
  }
  syncBuiltinESMExports()
  open.push({
    close: () => {
      fns[name] = original
      syncBuiltinESMExports()
    },
  })
  return calls
}

describe('each change is parsed once', () => {
  it('an edit is parsed once, although its events and the poll all see it', async () => {
    const file = join(dir, 'n.txt')
    writeFileSync(file, '1')
    const { f, parses } = counted(file, { pollMs: 15 })
    writeFileSync(file, '2')
    await until(() => f.current() === 2)
    await sleep(200) // a dozen polls
    expect(parses).toEqual(['1', '2'])
  })

  it('a file left invalid is parsed once, not again at every poll, and reported once', async () => {
    const file = join(dir, 'n.txt')
    writeFileSync(file, '1')
    const { f, parses, errors } = counted(file, { pollMs: 15 })
    writeFileSync(file, 'x')
    await until(() => errors.length === 1)
    await sleep(200)
    expect(parses).toEqual(['1', 'x'])
    expect(f.reload()).toBe('failed') // asked again: still the failure, still not parsed again
    expect(parses).toEqual(['1', 'x'])
    writeFileSync(file, '3')
    await until(() => f.current() === 3)
    expect(parses).toEqual(['1', 'x', '3'])
    expect(errors).toEqual(['not an integer: x'])
  })

  it('an invalid file at the start (kept as a fallback) is not parsed again until it changes', async () => {
    const file = join(dir, 'n.txt')
    writeFileSync(file, 'x')
    const { f, parses } = counted(file, { pollMs: 15, fallback: () => 0 })
    await sleep(150)
    expect(parses).toEqual(['x'])
    expect(f.failure()?.message).toBe('not an integer: x')
    writeFileSync(file, '4')
    await until(() => f.current() === 4)
    expect(parses).toEqual(['x', '4'])
  })

  it('the same bytes are parsed again when the file itself changed (its mode, say)', async () => {
    const file = join(dir, 'n.txt')
    writeFileSync(file, 'x')
    const { f, parses } = counted(file, { pollMs: 0, fallback: () => 0 })
    expect(f.reload()).toBe('failed')
    fs.chmodSync(file, 0o600)
    expect(f.reload()).toBe('failed')
    expect(parses).toEqual(['x', 'x'])
  })
})

describe('an edit reads only the file edited', () => {
  it('leaves the files beside it in the same directory unread when they share a watcher', async () => {
    for (const n of ['a', 'b', 'c']) writeFileSync(join(dir, `${n}.txt`), '1')
    const watcher = createFileWatcher({ pollMs: 60_000 })
    open.push(watcher)
    const files = ['a', 'b', 'c'].map((n) => counted(join(dir, `${n}.txt`), { watcher }))
    const reads = recordCalls('readFileSync')
    writeFileSync(join(dir, 'a.txt'), '2')
    await until(() => files[0]!.f.current() === 2)
    await sleep(150)
    expect(reads.filter((p) => p.startsWith(dir)).map((p) => p.slice(dir.length + 1))).toEqual(['a.txt'])
    expect(files.map((x) => x.parses)).toEqual([['1', '2'], ['1'], ['1']])
  })
})

describe('createFileWatcher', () => {
  it('watches each directory once, however many files it follows there', () => {
    mkdirSync(join(dir, 'x'))
    const watches = recordCalls('watch')
    const w = createFileWatcher({ pollMs: 0 })
    open.push(w)
    const quiet = { event: () => {}, tick: () => {} }
    const stops = [w.follow(join(dir, 'a'), quiet), w.follow(join(dir, 'b'), quiet), w.follow(join(dir, 'x', 'c'), quiet)]
    expect(watches).toEqual([dir, join(dir, 'x')])
    for (const stop of stops) stop()
    w.follow(join(dir, 'a'), quiet) // all were stopped: the directory is watched anew
    expect(watches).toEqual([dir, join(dir, 'x'), dir])
  })

  it('an event naming another entry of the directory (a mounted ConfigMap swapping its ..data link) reaches every file there', async () => {
    // ConfigMap layout: conf.txt -> ..data/conf.txt, ..data -> ..v1; an update makes ..v2 and swaps ..data to it.
    mkdirSync(join(dir, '..v1'))
    writeFileSync(join(dir, '..v1', 'conf.txt'), '1')
    symlinkSync('..v1', join(dir, '..data'))
    symlinkSync(join('..data', 'conf.txt'), join(dir, 'conf.txt'))
    const watcher = createFileWatcher({ pollMs: 0 })
    open.push(watcher)
    const { f } = counted(join(dir, 'conf.txt'), { watcher })
    mkdirSync(join(dir, '..v2'))
    writeFileSync(join(dir, '..v2', 'conf.txt'), '2')
    symlinkSync('..v2', join(dir, '..data_tmp'))
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'))
    await until(() => f.current() === 2)
  })
})
