// Authentication never touches the file system on the request path: the scoped tokens come from a source object
// (the gateway's watches the tokens file off the request path), and auth.ts imports nothing that reads files.
import fs, { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAuthenticator } from '../src/auth.js'
import { silentLogger } from '../src/logger.js'
import { createMetrics } from '../src/metrics.js'
import { openTokensSource } from '../src/node/tokens-source.js'
import { hashToken } from '../src/tokens-file.js'
import { call, makeApp, type TestApp } from './helpers.js'

const SRC = new URL('../src/', import.meta.url).pathname

/** Runs `f` with every function of node:fs (callbacks, sync and promises) recording its name instead of being called unseen. */
async function fsCallsDuring(f: () => Promise<void> | void): Promise<string[]> {
  const calls: string[] = []
  const restore: Array<() => void> = []
  const trap = (obj: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(obj)) {
      if (typeof value !== 'function' || /^[A-Z]/.test(name)) continue
      const original = value as (...args: unknown[]) => unknown
      obj[name] = function (this: unknown, ...args: unknown[]) {
        calls.push(`${prefix}${name}`)
        return original.apply(this, args)
      }
      restore.push(() => (obj[name] = original))
    }
  }
  trap(fs as unknown as Record<string, unknown>, 'fs.')
  trap(fs.promises as unknown as Record<string, unknown>, 'fs.promises.')
  syncBuiltinESMExports()
  try {
    await f()
  } finally {
    for (const r of restore) r()
    syncBuiltinESMExports()
  }
  return calls
}

const TOKENS = { admin: 'tok-admin', agent: 'tok-agent', expired: 'tok-expired', legacy: 'tok-legacy' }
let dir: string
let file: string
let t: TestApp
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-auth-fs-'))
  file = join(dir, 'tokens.json')
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'root', role: 'admin', sha256: hashToken(TOKENS.admin) },
        { name: 'bot', role: 'agent', sha256: hashToken(TOKENS.agent) },
        { name: 'old', role: 'admin', sha256: hashToken(TOKENS.expired), expires_at: '2020-01-01T00:00:00Z' },
      ],
    }),
    { mode: 0o600 },
  )
  t = await makeApp({ auth: { tokensFile: file, legacyToken: TOKENS.legacy } })
})
afterAll(async () => {
  await t?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('authentication and the file system', () => {
  it('the trap sees a file read (so an empty list below means none happened)', async () => {
    expect(await fsCallsDuring(() => void readFileSync(file))).toContain('fs.readFileSync')
  })

  it('requests with every kind of credential make no file-system call', async () => {
    const statuses: number[] = []
    const calls = await fsCallsDuring(async () => {
      for (const token of [TOKENS.admin, TOKENS.agent, TOKENS.legacy, TOKENS.expired, 'unknown', undefined]) {
        statuses.push((await call(t.app, 'GET', '/v1/actions', undefined, token)).status)
        statuses.push((await call(t.app, 'POST', '/v1/gate/decide', { agent_id: 'bot', tool: 'http', operation: 'get' }, token)).status)
      }
    })
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 401, 401, 401, 401, 401, 401])
    expect(calls).toEqual([])
  })

  it("the gateway's watched tokens source answers authenticate() from memory", async () => {
    const metrics = createMetrics()
    const source = openTokensSource({ path: file, required: true, logger: silentLogger, metrics })
    try {
      const auth = createAuthenticator({ tokens: source })
      const seen: string[] = []
      // Synchronous: no watcher timer can run in between, so every call recorded would be authenticate()'s.
      const calls = await fsCallsDuring(() => {
        seen.push(auth.authenticate(TOKENS.admin).name, auth.authenticate(TOKENS.agent).name)
        for (const token of [TOKENS.expired, 'unknown', undefined]) expect(() => auth.authenticate(token)).toThrow(expect.objectContaining({ code: 'UNAUTHORIZED' }))
        seen.push(String(auth.enabled))
      })
      expect(seen).toEqual(['root', 'bot', 'true'])
      expect(calls).toEqual([])
    } finally {
      source.close()
    }
  })

  it('auth.ts reaches no module that reads files', () => {
    const seen = new Set<string>()
    const builtins = new Set<string>()
    const queue = [join(SRC, 'auth.ts')]
    while (queue.length > 0) {
      const f = queue.pop()!
      if (seen.has(f)) continue
      seen.add(f)
      for (const [, spec] of readFileSync(f, 'utf8').matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
        if (spec!.startsWith('node:')) builtins.add(spec!)
        else if (spec!.startsWith('.')) queue.push(join(dirname(f), spec!.replace(/\.js$/, '.ts')))
      }
    }
    expect(seen.size).toBeGreaterThan(2)
    expect([...builtins].filter((b) => /^node:(fs|fs\/promises)$/.test(b))).toEqual([])
  })
})
