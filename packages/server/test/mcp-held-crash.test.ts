// Issue 21: an MCP call held in process by a gateway that is killed with SIGKILL is never approved and run later.
// Real gateway processes (test/fixtures/held-gateway-process.mjs: a test extension submitting through the in-process
// gate, as @faramesh/mcp's gateway does), on one SQLite file and on one Postgres: after kill -9 the next gateway to
// start times the held call out ("MCP holder gateway stopped") so an approval is a 409, fails the allowed call that
// was running ("gateway stopped during execution"), and leaves alone a call a live gateway holds.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../src/tokens-file.js'
import { eventually } from './helpers.js'
import { forkGateway, type ForkedGateway } from './forked-gateway.js'

const POLICY = `
rules:
  - match: { tool: "mcp:files", op: write_file }
    require_approval: true
  - match: { tool: "mcp:files", op: read_file }
    allow: true
`
const A1 = 'tok-agent-a1'
const APPROVER = 'tok-approver'
const ADMIN = 'tok-admin'
const LEASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let dir: string
const gateways: ForkedGateway[] = []

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-held-crash-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
  writeFileSync(
    join(dir, 'tokens.json'),
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'bot1', role: 'agent', sha256: hashToken(A1), agent_id: 'a1' },
        { name: 'alice', role: 'approver', sha256: hashToken(APPROVER) },
        { name: 'root', role: 'admin', sha256: hashToken(ADMIN) },
      ],
    }),
  )
})
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.kill9()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function start(env: Record<string, string>): Promise<ForkedGateway> {
  const g = await forkGateway(dir, { FARAMESH_TOKENS_FILE: 'tokens.json', ...env }, 'held')
  gateways.push(g)
  return g
}

const api = async (g: ForkedGateway, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${g.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: await res.json() }
}

const mcpCall = (operation: string, agent_id?: string) => ({
  ...(agent_id ? { agent_id } : {}),
  tool: 'mcp:files',
  operation,
  params: { path: 'notes.txt' },
  context: { mcp: { server: 'files', annotations: null, protocol_version: '2025-11-25', agent_source: 'token' } },
})

async function scenario(env: Record<string, string>): Promise<void> {
  const a = await start(env)
  // Through the mount: the principal comes from the token, so a1's token cannot act as a2.
  expect((await api(a, 'POST', '/hold/call', A1, mcpCall('write_file', 'a2'))).status).toBe(403)
  expect((await api(a, 'POST', '/hold/call', APPROVER, mcpCall('write_file'))).status).toBe(403)

  const held = (await api(a, 'POST', '/hold/call', A1, mcpCall('write_file'))).body
  expect(held).toMatchObject({ status: 'pending_approval', agent_id: 'a1', approval_token: null })
  const running = (await api(a, 'POST', '/hold/call', A1, mcpCall('read_file'))).body
  expect(running).toMatchObject({ status: 'executing', agent_id: 'a1' })
  const heldEvents = (await api(a, 'GET', `/v1/actions/${held.id}/events`, ADMIN)).body
  const holder = heldEvents[0].meta.holder
  expect(holder).toMatch(LEASE)
  const started = (await api(a, 'GET', `/v1/actions/${running.id}/events`, ADMIN)).body
  expect(started.map((e: any) => e.event_type)).toEqual(['created', 'decision_made', 'started'])
  expect(started[2].meta).toMatchObject({ executor: 'mcp', gateway: holder })

  await a.kill9()
  const b = await start(env)
  expect(await b.releasedHolds).toBe(1)
  expect(await b.recovered).toBe(1)
  const timedOut = (await api(b, 'GET', `/v1/actions/${held.id}`, ADMIN)).body
  expect(timedOut).toMatchObject({ status: 'timeout', error: 'MCP holder gateway stopped' })
  expect((await api(b, 'GET', `/v1/actions/${held.id}/events`, ADMIN)).body.at(-1)).toMatchObject({
    event_type: 'timeout',
    meta: { holder, reason: 'MCP holder gateway stopped' },
  })
  const late = await api(b, 'POST', `/v1/actions/${held.id}/approval`, APPROVER, { approve: true })
  expect(late.status).toBe(409)
  expect(late.body.detail).toMatch(/not in pending_approval/)
  expect((await api(b, 'GET', `/v1/actions/${running.id}`, ADMIN)).body).toMatchObject({ status: 'failed', error: 'gateway stopped during execution' })

  // A call held by a live gateway (b) is left alone by the next one to start.
  const onB = (await api(b, 'POST', '/hold/call', A1, mcpCall('write_file'))).body
  expect(onB.status).toBe('pending_approval')
  const c = await start(env)
  expect(await c.releasedHolds).toBe(0)
  expect((await api(c, 'GET', `/v1/actions/${onB.id}`, ADMIN)).body.status).toBe('pending_approval')
  expect((await api(c, 'POST', `/v1/actions/${onB.id}/approval`, APPROVER, { approve: true })).body.status).toBe('approved')
  expect((await api(c, 'GET', '/v1/ledger/verify', ADMIN)).body).toMatchObject({ ok: true })
}

describe('a gateway killed with SIGKILL while it holds an MCP call', () => {
  it('SQLite: the next gateway times the held call out (approve → 409) and fails the started one', async () => {
    await scenario({ FARA_SQLITE_PATH: join(dir, 'held.db') })
  }, 60_000)

  describe('Postgres', () => {
    let pg: PostgresInstance
    beforeAll(async () => {
      pg = await startPostgres()
    }, 60_000)
    afterAll(async () => {
      await pg?.stop()
    })

    it('the same on one Postgres shared by the gateways', async () => {
      await scenario({ FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: pg.dsn, FARAMESH_SIGNING_KEY_FILE: join(dir, 'pg-key.pem') })
    }, 90_000)
  })
})
