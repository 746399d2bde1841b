// Approval tokens on GET (CONTRACT.md § Approvals): shown to approvers and admins while an action is pending, so the
// original CLI can approve; never to agents or auditors, never in lists or streams; never stored in clear; bound
// to the action and its request_hash; and the same on every gateway with the same signing key, across restarts.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePolicy } from '@faramesh/policy-core'
import { openSqliteLedger } from '@faramesh/ledger/sqlite'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { createAuthenticator } from '../src/auth.js'
import { staticPolicySource } from '../src/policy-source.js'
import { hashToken } from '../src/tokens-file.js'
import { call, makeApp, POLICY, type TestApp } from './helpers.js'
import { listen } from './serve.js'
import { openSse } from './sse-client.js'

const TOKENS = { agent: 'tok-agent', approver: 'tok-approver', auditor: 'tok-auditor', admin: 'tok-admin', legacy: 'tok-legacy' }

function tokensFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'faramesh-tokens-')), 'tokens.json')
  const entry = (name: string, role: string, token: string) => ({ name, role, sha256: hashToken(token) })
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      tokens: [entry('bot', 'agent', TOKENS.agent), entry('alice', 'approver', TOKENS.approver), entry('audrey', 'auditor', TOKENS.auditor), entry('root', 'admin', TOKENS.admin)],
    }),
  )
  return file
}

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!()
})
async function app(opts: Parameters<typeof makeApp>[0] = {}): Promise<TestApp> {
  const t = await makeApp(opts)
  cleanups.push(() => t.close())
  return t
}

const SHELL = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'deploy' } }
const submit = async (t: TestApp, token?: string, body: object = SHELL) => (await call(t.app, 'POST', '/v1/actions', body, token)).body
const get = async (t: TestApp, id: string, token?: string) => call(t.app, 'GET', `/v1/actions/${id}`, undefined, token)

/** Rewrites stored columns behind the API, as someone with write access to the database file could. */
async function tamper(t: TestApp, id: string, set: Record<string, string>): Promise<void> {
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(join(t.dir, 'actions.db'))
  for (const [col, value] of Object.entries(set)) db.prepare(`UPDATE actions SET ${col} = ? WHERE id = ?`).run(value, id)
  db.close()
}

describe('GET /v1/actions/{id} shows the approval token to approvers while pending', () => {
  it('open loopback mode: the token in GET is the one of the submit answer, and it approves', async () => {
    const t = await app()
    const a = await submit(t)
    expect(a.approval_token).toEqual(expect.any(String))
    const got = await get(t, a.id)
    expect(got.status).toBe(200)
    expect(got.body.approval_token).toBe(a.approval_token)
    const ok = await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: got.body.approval_token, approve: true, reason: null })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatchObject({ status: 'approved', approval_token: null })
    // Single use: gone from GET, and the same token again is a 409, not a second decision.
    expect((await get(t, a.id)).body.approval_token).toBeNull()
    const again = await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: false })
    expect(again.status).toBe(409)
    expect(again.body).toEqual({ detail: 'Action is not in pending_approval status' })
  })

  it('by role: approver, admin and the legacy token see it; an agent (even its own action) and an auditor do not', async () => {
    const t = await app({ auth: { tokensFile: tokensFile(), legacyToken: TOKENS.legacy } })
    const mine = await submit(t, TOKENS.agent)
    expect(mine.status).toBe('pending_approval')
    expect(mine.approval_token).toBeNull()
    for (const who of ['approver', 'admin', 'legacy'] as const) {
      const r = await get(t, mine.id, TOKENS[who])
      expect(r.status).toBe(200)
      expect(r.body.approval_token, who).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{43}$/))
    }
    for (const who of ['agent', 'auditor'] as const) {
      const r = await get(t, mine.id, TOKENS[who])
      expect(r.status).toBe(200)
      expect(r.body.approval_token, who).toBeNull()
    }
    // Never in lists, for anyone.
    for (const who of ['agent', 'approver', 'admin', 'legacy'] as const) {
      const list = await call(t.app, 'GET', '/v1/actions?limit=1000', undefined, TOKENS[who])
      expect(list.body.find((x: { id: string }) => x.id === mine.id).approval_token).toBeNull()
    }
    // The token read by the approver approves it (the original CLI's flow with a scoped approver token).
    const token = (await get(t, mine.id, TOKENS.approver)).body.approval_token
    const ok = await call(t.app, 'POST', `/v1/actions/${mine.id}/approval`, { token, approve: true }, TOKENS.approver)
    expect(ok.status).toBe(200)
  })

  it('never in a stream frame, even to an admin watching a pending action', async () => {
    const t = await app()
    const srv = await listen(t.app)
    cleanups.push(() => srv.close())
    const s = await openSse(`${srv.url}/v1/events`)
    const a = await submit(t)
    const frames = await s.waitFor(2)
    s.close()
    for (const f of frames) {
      expect(JSON.parse(f.data).data.approval_token).toBeNull()
      expect(f.data).not.toContain(a.approval_token)
    }
  })

  it('not after the approval expired, even before the sweeper times the action out', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z')
    const t = await app({ clock: () => new Date(now), config: { approvalTtlMs: 60_000 } })
    const a = await submit(t)
    expect((await get(t, a.id)).body.approval_token).toBe(a.approval_token)
    now += 61_000
    const got = (await get(t, a.id)).body
    expect(got.status).toBe('pending_approval')
    expect(got.approval_token).toBeNull()
  })
})

describe('what a token is bound to', () => {
  it("one action's token (read from GET) does not approve another", async () => {
    const t = await app()
    const a = await submit(t)
    const b = await submit(t)
    const tokenA = (await get(t, a.id)).body.approval_token
    expect(tokenA).not.toBe((await get(t, b.id)).body.approval_token)
    const r = await call(t.app, 'POST', `/v1/actions/${b.id}/approval`, { token: tokenA, approve: true })
    expect(r.status).toBe(403)
    expect(r.body).toEqual({ detail: 'Invalid approval token' })
    expect((await get(t, b.id)).body.status).toBe('pending_approval')
  })

  it('a request_hash changed behind the API invalidates the token, and GET no longer shows one', async () => {
    const t = await app()
    const a = await submit(t)
    await tamper(t, a.id, { params: JSON.stringify({ cmd: 'touch /tmp/pwned' }), request_hash: 'e'.repeat(64) })
    expect((await get(t, a.id)).body.approval_token).toBeNull()
    const r = await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: true })
    expect(r.status).toBe(403)
    expect(r.body).toEqual({ detail: 'Invalid approval token' })
  })

  it('is never stored in clear: not in the database, its WAL, or the event chain', async () => {
    const t = await app()
    const a = await submit(t)
    const token = a.approval_token as string
    await t.ledger.checkpoint()
    for (const f of readdirSync(t.dir).filter((n) => n.startsWith('actions.db'))) {
      expect(readFileSync(join(t.dir, f)).includes(Buffer.from(token)), f).toBe(false)
    }
    const rec = await t.ledger.getAction(a.id)
    expect(rec!.approval_token_hash).toMatch(/^v2:[0-9a-f]{64}$/)
    expect(JSON.stringify(await t.ledger.getEvents(a.id))).not.toContain(token)
  })

  it('a pending action from before this scheme (stored sha256 of a random token) still approves with that token', async () => {
    const t = await app()
    const a = await submit(t)
    await tamper(t, a.id, { approval_token_hash: hashToken('old-random-token') })
    // Its token was random, so it cannot be shown again; the one it was issued with still works, nothing else does.
    expect((await get(t, a.id)).body.approval_token).toBeNull()
    expect((await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: true })).status).toBe(403)
    const ok = await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: 'old-random-token', approve: true })
    expect(ok.status).toBe(200)
    expect(ok.body.status).toBe('approved')
  })

  it('bad approval bodies are 422 with a detail', async () => {
    const t = await app()
    const a = await submit(t)
    for (const body of [{ token: 7, approve: true }, { token: 'x'.repeat(513), approve: true }, { token: a.approval_token }]) {
      const r = await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, body)
      expect(r.status, JSON.stringify(body).slice(0, 40)).toBe(422)
      expect(r.body.detail).toBeDefined()
    }
    expect((await get(t, a.id)).body.status).toBe('pending_approval')
  })
})

describe('gateways sharing a store and its signing key', () => {
  it('another gateway on the same database, and a restarted one, show and accept the same token', async () => {
    const t = await app()
    const a = await submit(t)
    // A second gateway process on the same SQLite file: same key file beside it, so the same secret.
    const other = await openSqliteLedger(join(t.dir, 'actions.db'))
    const second = createApp({ ledger: other, policy: staticPolicySource(parsePolicy(POLICY, { source: 'p.yaml' })), auth: createAuthenticator({}) })
    cleanups.push(async () => {
      await second.close()
      await other.close()
    })
    expect((await call(second, 'GET', `/v1/actions/${a.id}`)).body.approval_token).toBe(a.approval_token)
    // And after the first one restarts.
    await t.app.close()
    await t.ledger.close()
    const reopened = await openSqliteLedger(join(t.dir, 'actions.db'))
    const third = createApp({ ledger: reopened, policy: staticPolicySource(parsePolicy(POLICY, { source: 'p.yaml' })) })
    cleanups.push(async () => {
      await third.close()
      await reopened.close()
    })
    expect((await call(third, 'GET', `/v1/actions/${a.id}`)).body.approval_token).toBe(a.approval_token)
    const ok = await call(second, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: true })
    expect(ok.status).toBe(200)
  })
})
