import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PolicyError } from '../errors.js'
import { evaluate } from '../evaluate.js'
import type { Policy } from '../policy.js'
import { loadPolicyFile, loadProfileFile } from './load.js'
import { watchPolicyFile } from './watch.js'
import { openWatchedFile } from './watch-file.js'

const ALLOW = 'rules:\n  - match: {tool: http}\n    allow: true\n'
const DENY = 'rules:\n  - match: {tool: http}\n    deny: true\n'
const http = { agent_id: 'a', tool: 'http', operation: 'get' }

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'policy-core-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function waitFor<T>(pick: () => T | undefined, ms = 3000): Promise<T> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      const v = pick()
      if (v !== undefined) resolve(v)
      else if (Date.now() - started > ms) reject(new Error('timed out'))
      else setTimeout(tick, 10)
    }
    tick()
  })
}

describe('loadPolicyFile / loadProfileFile', () => {
  it('loads a policy file and reports its path in errors', () => {
    const file = join(dir, 'p.yaml')
    writeFileSync(file, ALLOW)
    const { policy, text } = loadPolicyFile(file)
    expect(text).toBe(ALLOW)
    expect(policy.source).toBe(file)
    writeFileSync(file, 'rules:\n  - match: {tool: http}\n')
    expect(() => loadPolicyFile(file)).toThrow(expect.objectContaining({ code: 'NO_EFFECT', source: file, line: 2 }))
  })

  it('distinguishes a missing file from an unreadable one', () => {
    expect(() => loadPolicyFile(join(dir, 'none.yaml'))).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }))
    expect(() => loadProfileFile(join(dir, 'none.yaml'))).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }))
    expect(() => loadPolicyFile(dir)).toThrow(expect.objectContaining({ code: 'FILE_READ_ERROR' }))
  })

  it('loads a profile file', () => {
    const file = join(dir, 'profile.yaml')
    writeFileSync(file, 'id: p1\nallowed_tools: [http]\n')
    expect(loadProfileFile(file).profile.id).toBe('p1')
  })
})

describe('watchPolicyFile', () => {
  it('reloads on change, keeps the last valid policy on a bad edit, and recovers', async () => {
    const file = join(dir, 'p.yaml')
    writeFileSync(file, ALLOW)
    const reloads: Policy[] = []
    const errors: PolicyError[] = []
    const w = watchPolicyFile(file, { onReload: (p) => reloads.push(p), onError: (e) => errors.push(e), debounceMs: 20 })
    try {
      expect(evaluate(w.current(), http).decision).toBe('allow')

      writeFileSync(file, DENY)
      await waitFor(() => reloads[0])
      expect(evaluate(w.current(), http).decision).toBe('deny')

      writeFileSync(file, 'rules:\n  - match: {tool: http, amout_gt: 1}\n    allow: true\n')
      const err = await waitFor(() => errors[0])
      expect(err).toBeInstanceOf(PolicyError)
      expect(err).toMatchObject({ code: 'UNKNOWN_KEY', source: file, line: 2 })
      expect(evaluate(w.current(), http).decision).toBe('deny')

      // Editors save by writing a temp file and renaming it over the original.
      writeFileSync(join(dir, 'p.yaml.tmp'), ALLOW)
      renameSync(join(dir, 'p.yaml.tmp'), file)
      await waitFor(() => reloads[1])
      expect(evaluate(w.current(), http).decision).toBe('allow')
    } finally {
      w.close()
    }
  })

  it('reloads on demand and reports a deleted file without dropping the policy', () => {
    const file = join(dir, 'p.yaml')
    writeFileSync(file, ALLOW)
    const errors: PolicyError[] = []
    const w = watchPolicyFile(file, { onError: (e) => errors.push(e), debounceMs: 10_000 })
    try {
      expect(w.reload()).toBe(false) // unchanged
      writeFileSync(file, DENY)
      expect(w.reload()).toBe(true)
      rmSync(file)
      expect(w.reload()).toBe(false)
      expect(errors.map((e) => e.code)).toEqual(['FILE_NOT_FOUND'])
      expect(evaluate(w.current(), http).decision).toBe('deny')
    } finally {
      w.close()
    }
  })

  it('takes the file again when it comes back after a deletion, even with the same bytes', async () => {
    const file = join(dir, 'p.yaml')
    writeFileSync(file, DENY)
    const reloads: Policy[] = []
    const errors: PolicyError[] = []
    const w = watchPolicyFile(file, { onReload: (p) => reloads.push(p), onError: (e) => errors.push(e), debounceMs: 20 })
    try {
      rmSync(file)
      await waitFor(() => errors[0])
      expect(errors[0]).toMatchObject({ code: 'FILE_NOT_FOUND' })
      expect(evaluate(w.current(), http).decision).toBe('deny')
      writeFileSync(file, DENY) // the very bytes it had
      await waitFor(() => reloads[0])
      expect(evaluate(w.current(), http).decision).toBe('deny')
      expect(w.reload()).toBe(false) // and now it is unchanged again
      expect(errors).toHaveLength(1)
    } finally {
      w.close()
    }
  })

  it('refuses to start on an invalid policy', () => {
    const file = join(dir, 'p.yaml')
    writeFileSync(file, 'rules: {}\n')
    expect(() => watchPolicyFile(file)).toThrow(PolicyError)
  })
})

describe('openWatchedFile', () => {
  const parse = (text: string): number => {
    const n = Number(text)
    if (!Number.isInteger(n)) throw new Error(`not an integer: ${text}`)
    return n
  }

  it('keeps the last value through a bad edit and a deletion, reporting each distinct failure once', () => {
    const file = join(dir, 'n.txt')
    writeFileSync(file, '1')
    const errors: string[] = []
    const values: number[] = []
    const f = openWatchedFile(file, { parse, onError: (e) => errors.push(e.message), onChange: (v) => values.push(v) })
    expect(f.reload()).toBe('unchanged')
    writeFileSync(file, 'x')
    expect(f.reload()).toBe('failed')
    expect(f.reload()).toBe('failed')
    rmSync(file)
    expect(f.reload()).toBe('failed')
    expect(f.reload()).toBe('failed')
    expect(errors).toEqual(['not an integer: x', `File not found: ${file}`])
    expect(f.current()).toBe(1)
    expect(f.failure()?.message).toBe(`File not found: ${file}`)
    writeFileSync(file, '1')
    expect(f.reload()).toBe('changed')
    expect(f.failure()).toBeNull()
    expect(values).toEqual([1])
  })

  it('may start without the file when whenMissing is given, and takes it when it appears', () => {
    const file = join(dir, 'later.txt')
    const f = openWatchedFile(file, { parse, whenMissing: () => 0 })
    expect(f.current()).toBe(0)
    expect(f.fromFile()).toBe(false)
    expect(f.reload()).toBe('unchanged')
    expect(f.failure()).toBeNull()
    writeFileSync(file, '7')
    expect(f.reload()).toBe('changed')
    expect(f.fromFile()).toBe(true)
    rmSync(file)
    // Once loaded, its disappearance is a failure, not a return to the missing value.
    expect(f.reload()).toBe('failed')
    expect(f.current()).toBe(7)
  })

  it('throws when the first load fails, also for a missing file without whenMissing', () => {
    writeFileSync(join(dir, 'bad.txt'), 'x')
    expect(() => openWatchedFile(join(dir, 'bad.txt'), { parse })).toThrow('not an integer')
    expect(() => openWatchedFile(join(dir, 'none.txt'), { parse })).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }))
  })

  it('follows a file whose directory does not exist yet, without reporting an error', async () => {
    const file = join(dir, 'later', 'n.txt')
    const errors: Error[] = []
    const f = openWatchedFile(file, { parse, whenMissing: () => 0, onError: (e) => errors.push(e), pollMs: 30 })
    f.watch()
    try {
      mkdirSync(join(dir, 'later'))
      writeFileSync(file, '5')
      await waitFor(() => (f.current() === 5 ? true : undefined))
      writeFileSync(file, '6') // now through the directory watch the poll attached (or the poll itself)
      await waitFor(() => (f.current() === 6 ? true : undefined))
      expect(errors).toEqual([])
    } finally {
      f.close()
    }
  })

  it('notices a change by polling when no file event arrives', async () => {
    const file = join(dir, 'polled.txt')
    writeFileSync(file, '1')
    const f = openWatchedFile(file, { parse, pollMs: 30, debounceMs: 60_000 })
    f.watch()
    try {
      writeFileSync(file, '22')
      await waitFor(() => (f.current() === 22 ? true : undefined))
    } finally {
      f.close()
    }
  })
})
