// A stream outlives the request that opened it (review finding: open SSE streams outlived the revocation or expiry of
// their token). The credential is checked again every heartbeat interval; a stream whose token no longer
// authenticates, or an open-mode stream once auth is on, ends.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'
import { hashToken } from '../src/tokens-file.js'
import { POLICY } from './helpers.js'

let dir: string
let gw: GatewayHandle | null = null
afterEach(async () => {
  await gw?.close()
  gw = null
  rmSync(dir, { recursive: true, force: true })
})

async function start(env: Record<string, string>): Promise<GatewayHandle> {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-sse-cred-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
  gw = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARAMESH_SSE_HEARTBEAT_MS: '200', ...env }, dir), { logger: silentLogger })
  return gw
}

/** Opens /v1/events and resolves with how long the stream lasted (ms), or rejects after `ms`. */
async function streamLife(url: string, token: string | undefined, ms: number): Promise<number> {
  const started = Date.now()
  const res = await fetch(`${url}/v1/events`, token ? { headers: { authorization: `Bearer ${token}` } } : {})
  expect(res.status).toBe(200)
  const reader = res.body!.getReader()
  const deadline = setTimeout(() => void reader.cancel(), ms)
  for (;;) {
    const { done } = await reader.read().catch(() => ({ done: true }))
    if (done) break
  }
  clearTimeout(deadline)
  return Date.now() - started
}

const tokens = (entries: object[]) => JSON.stringify({ version: 1, tokens: entries })

describe('SSE streams and their credential', () => {
  it('a stream ends once its token is revoked', async () => {
    const file = () => join(dir, 'tokens.json')
    const g = await start({ FARAMESH_TOKENS_FILE: 'tokens.json' })
    writeFileSync(file(), tokens([{ name: 'ana', role: 'approver', sha256: hashToken('ana-tok') }]))
    // (the file appeared after start: wait until the token works)
    for (let i = 0; i < 100 && (await fetch(`${g.url}/v1/auth/whoami`, { headers: { authorization: 'Bearer ana-tok' } })).status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 50))
    }
    const life = streamLife(g.url, 'ana-tok', 10_000)
    await new Promise((r) => setTimeout(r, 500))
    writeFileSync(file(), tokens([{ name: 'ana', role: 'approver', sha256: hashToken('ana-tok'), revoked_at: new Date().toISOString() }]))
    expect(await life).toBeLessThan(5_000)
  })

  it('an open-mode stream ends once a tokens file turns auth on', async () => {
    const g = await start({})
    const life = streamLife(g.url, undefined, 10_000)
    await new Promise((r) => setTimeout(r, 500))
    mkdirSync(join(dir, 'data'), { recursive: true }) // the gateway's SQLite file lives there already
    writeFileSync(join(dir, 'data', 'tokens.json'), tokens([{ name: 'root', role: 'admin', sha256: hashToken('root-tok') }]))
    expect(await life).toBeLessThan(6_000)
  })

  it('a stream whose token is still good stays open', async () => {
    const g = await start({ FARAMESH_TOKEN: 'legacy-secret' })
    expect(await streamLife(g.url, 'legacy-secret', 1_500)).toBeGreaterThanOrEqual(1_400)
  })
})
