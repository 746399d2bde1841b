// Issue 21: an MCP call held by a gateway that dies while other gateways keep running on the same store is reported
// by them, without any restart: pending → `timeout` "MCP holder gateway stopped" (a late approval is a 409), approved
// but never started → `failed`, never run. A Postgres lease connection that drops and is taken again (a blip) does
// not make a live holder's calls time out: a holder counts as dead only once it has been seen without its lease for
// longer than a lease needs to come back. Real gateway processes (test/fixtures/held-gateway-process.mjs).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LEASE_CLASS, leaseKey } from '../src/executors/lease-postgres.js'
import { hashToken } from '../src/tokens-file.js'
import { eventually } from './helpers.js'
import { forkGateway, type ForkedGateway } from './forked-gateway.js'

const POLICY = `
rules:
  - match: { tool: "mcp:files", op: write_file }
    require_approval: true
`
const A1 = 'tok-agent-a1'
const APPROVER = 'tok-approver'
const ADMIN = 'tok-admin'
/** The running gateways' sweep, and the Postgres lease heartbeat: a lease comes back within 2 × 500 ms + 10 s. */
const KNOBS = { TEST_HELD_SWEEP_MS: '250', TEST_LEASE_HEARTBEAT_MS: '500' }

let dir: string
const gateways: ForkedGateway[] = []

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-held-live-'))
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
  const g = await forkGateway(dir, { FARAMESH_TOKENS_FILE: 'tokens.json', ...KNOBS, ...env }, 'held')
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

const hold = async (g: ForkedGateway): Promise<any> => {
  const call = {
    tool: 'mcp:files',
    operation: 'write_file',
    params: { path: 'notes.txt', content: 'x' },
    context: { mcp: { server: 'files', annotations: null, protocol_version: '2025-11-25', agent_source: 'token' } },
  }
  const r = await api(g, 'POST', '/hold/call', A1, call)
  expect(r.body).toMatchObject({ status: 'pending_approval', agent_id: 'a1' })
  return r.body
}

const status = async (g: ForkedGateway, id: string): Promise<string> => (await api(g, 'GET', `/v1/actions/${id}`, ADMIN)).body.status

/** A holds two calls (one approved while A lives, never started by it), C one; A is killed; B and C live on. */
async function scenario(env: Record<string, string>, beforeKill?: (a: ForkedGateway, b: ForkedGateway, pending: string) => Promise<void>): Promise<void> {
  const a = await start(env)
  const b = await start(env)
  const c = await start(env)
  const pending = await hold(a)
  const approved = await hold(a)
  expect((await api(b, 'POST', `/v1/actions/${approved.id}/approval`, APPROVER, { approve: true })).body.status).toBe('approved')
  const onC = await hold(c)
  const holder = (await api(b, 'GET', `/v1/actions/${pending.id}/events`, ADMIN)).body[0].meta.holder

  // Live holders: several sweeps later nothing moved.
  await new Promise((r) => setTimeout(r, 1500))
  expect([await status(b, pending.id), await status(b, approved.id), await status(b, onC.id)]).toEqual(['pending_approval', 'approved', 'pending_approval'])
  if (beforeKill) await beforeKill(a, b, pending.id)

  await a.kill9()
  const t0 = Date.now()
  // Reported by the gateways still running (never restarted), within a bound: the lease's regain time + sweeps.
  const timedOut = await eventually(async () => {
    const x = (await api(b, 'GET', `/v1/actions/${pending.id}`, ADMIN)).body
    return x.status !== 'pending_approval' ? x : null
  }, 30_000)
  expect(Date.now() - t0).toBeLessThan(env.FARA_DB_BACKEND === 'postgres' ? 16_000 : 5_000)
  expect(timedOut).toMatchObject({ status: 'timeout', error: 'MCP holder gateway stopped' })
  expect((await api(b, 'GET', `/v1/actions/${pending.id}/events`, ADMIN)).body.at(-1)).toMatchObject({
    event_type: 'timeout',
    meta: { holder, reason: 'MCP holder gateway stopped' },
  })
  const late = await api(b, 'POST', `/v1/actions/${pending.id}/approval`, APPROVER, { approve: true })
  expect(late.status).toBe(409)
  expect(late.body.detail).toMatch(/not in pending_approval/)

  const failed = await eventually(async () => {
    const x = (await api(c, 'GET', `/v1/actions/${approved.id}`, ADMIN)).body
    return x.status !== 'approved' ? x : null
  }, 10_000)
  expect(failed).toMatchObject({ status: 'failed', error: 'not executed: the MCP call that asked for it is gone (its gateway stopped)' })
  const events = (await api(c, 'GET', `/v1/actions/${approved.id}/events`, ADMIN)).body.map((e: any) => e.event_type)
  expect(events).toEqual(['created', 'decision_made', 'approved', 'failed'])
  expect((await api(c, 'POST', `/v1/actions/${approved.id}/start`, ADMIN, {})).status).toBe(409)

  // The live gateway's call is untouched, and a person can still approve it.
  expect(await status(b, onC.id)).toBe('pending_approval')
  expect((await api(b, 'POST', `/v1/actions/${onC.id}/approval`, APPROVER, { approve: true })).body.status).toBe('approved')
  expect((await api(c, 'GET', '/v1/ledger/verify', ADMIN)).body).toMatchObject({ ok: true })
}

describe('a gateway killed with SIGKILL while others keep running', () => {
  it('SQLite: a running gateway times its held call out and fails its approved one, without a restart', async () => {
    await scenario({ FARA_SQLITE_PATH: join(dir, 'live.db') })
  }, 60_000)

  describe('Postgres', () => {
    let pg: PostgresInstance
    beforeAll(async () => {
      pg = await startPostgres()
    }, 60_000)
    afterAll(async () => {
      await pg?.stop()
    })

    it('the same on one Postgres; a lease connection cut (a blip) first does not time out the live holder\'s calls', async () => {
      const admin = postgres(pg.dsn, { max: 1, onnotice: () => undefined })
      try {
        await scenario({ FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: pg.dsn, FARAMESH_SIGNING_KEY_FILE: join(dir, 'pg-key.pem') }, async (a, b, pending) => {
          const holder = (await api(b, 'GET', `/v1/actions/${pending}/events`, ADMIN)).body[0].meta.holder
          const lockPid = async (): Promise<number | null> => {
            const rows = await admin<Array<{ pid: number }>>`
              select pid from pg_locks where locktype = 'advisory' and granted and objsubid = 2
                and classid::int8 = ${LEASE_CLASS} and objid::int8 = ${leaseKey(holder)}`
            return rows[0]?.pid ?? null
          }
          // Cut A's lease session: until A's heartbeat takes the lock again, A looks dead to everyone else.
          const before = await lockPid()
          expect(before).not.toBeNull()
          await admin`select pg_terminate_backend(${before})`
          // pg_terminate_backend only signals: the session (and its lock) goes a moment later.
          await eventually(async () => (await lockPid()) !== before, 5_000)
          await eventually(async () => {
            const now = await lockPid()
            return now !== null && now !== before
          }, 15_000)
          // B and C swept several times while A had no lock: A's calls are still held.
          await new Promise((r) => setTimeout(r, 1000))
          expect(await status(b, pending)).toBe('pending_approval')
          expect(a.child.exitCode).toBeNull()
        })
      } finally {
        await admin.end()
      }
    }, 120_000)
  })
})
