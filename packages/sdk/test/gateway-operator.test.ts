// `@faramesh/sdk/operator` (what the CLI and the dashboard ask a gateway) against a real gateway on 127.0.0.1,
// with an admin, an approver and an agent token: answers, totals, the audit chain, and the refusals.
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FarameshAuthError, FarameshConflictError, FarameshNotFoundError, FarameshServerError, FarameshValidationError, type FarameshError } from '../src/index.js'
import { OperatorClient } from '../src/operator.js'
import { ADMIN, POLICY } from './policy.js'

const APPROVER = 'approver-role-token'
const AGENT = 'agent-role-token'
const sha = (t: string) => createHash('sha256').update(t).digest('hex')
const TOKENS = JSON.stringify({
  tokens: [
    { name: 'ana', role: 'approver', sha256: sha(APPROVER) },
    { name: 'bot', role: 'agent', sha256: sha(AGENT) },
  ],
})

let gw: TestGateway
let admin: OperatorClient
let agent: OperatorClient
const client = (token: string) => new OperatorClient(gw.url, { token, maxRetries: 0, agentId: 'bot' })
const fail = (p: Promise<unknown>) => p.then(() => expect.fail('expected an error'), (e: unknown) => e as FarameshError)

beforeAll(async () => {
  gw = await startTestGateway({ policy: POLICY, env: { FARAMESH_TOKEN: ADMIN, FARAMESH_TOKENS_FILE: 'tokens.json' }, files: { 'tokens.json': TOKENS } })
  admin = client(ADMIN)
  agent = client(AGENT)
  for (let i = 0; i < 3; i++) await agent.submitAction('payments', 'charge', { i })
  await agent.submitAction('shell', 'deploy', {})
})
afterAll(() => gw.close())

describe('who, what and how many', () => {
  it('whoami names the caller and its role', async () => {
    expect(await admin.whoami()).toMatchObject({ role: 'admin' })
    expect(await agent.whoami()).toMatchObject({ name: 'bot', role: 'agent', agent_id: 'bot' })
    expect(await fail(client('wrong').whoami())).toBeInstanceOf(FarameshAuthError)
  })

  it('listPage sends only the filters set and returns the total over all pages', async () => {
    const page = await admin.listPage({ limit: 2, tool: 'payments', status: undefined })
    expect(page.items).toHaveLength(2)
    expect(page.total).toBe(3)
    expect(await admin.countActions({ status: 'pending_approval' })).toBe(1)
    expect(await admin.countActions({ risk_level: 'high' })).toBe(0)
    expect(await fail(admin.listPage({ status: 'bogus' }))).toBeInstanceOf(FarameshValidationError)
  })

  it('findByIdPrefix finds by prefix, in either case, and nothing for a prefix no id has', async () => {
    const [a] = await admin.listActions({ limit: 1 })
    expect((await admin.findByIdPrefix(a!.id.slice(0, 8).toUpperCase())).map((x) => x.id)).toEqual([a!.id])
    expect(await admin.findByIdPrefix('fffffffff')).toEqual([])
  })
})

describe('approvals as the caller', () => {
  it('answerApproval approves as an approver without reading the token first, then 409s', async () => {
    const a = await agent.submitAction('shell', 'deploy', { n: 1 })
    const approver = client(APPROVER)
    const seen: string[] = []
    const counting = new OperatorClient(gw.url, { token: APPROVER, onRequestStart: (m, u) => seen.push(`${m} ${new URL(u).pathname}`) })
    expect(await counting.answerApproval(a.id, true, { reason: 'fine' })).toMatchObject({ status: 'approved' })
    expect(seen).toEqual([`POST /v1/actions/${a.id}/approval`])
    expect(await fail(approver.answerApproval(a.id, false))).toBeInstanceOf(FarameshConflictError)
  })

  it('an agent may not approve, and an unknown id is not found', async () => {
    const a = await agent.submitAction('shell', 'deploy', { n: 2 })
    const e = await fail(agent.answerApproval(a.id, true))
    expect(e).toBeInstanceOf(FarameshAuthError)
    expect(e.statusCode).toBe(403)
    expect(await fail(admin.answerApproval('ffffffff-ffff-4fff-8fff-ffffffffffff', true))).toBeInstanceOf(FarameshNotFoundError)
    expect(await fail(admin.answerApproval('', true))).toBeInstanceOf(FarameshValidationError)
  })
})

describe('health, readiness and the policy', () => {
  it('health and ready answer', async () => {
    expect(await agent.health()).toEqual({ status: 'healthy' })
    expect(await admin.ready()).toMatchObject({ status: 'ready' })
  })

  it('reloadPolicy: admin only, and an invalid file keeps the previous policy (422)', async () => {
    expect(await fail(client(APPROVER).reloadPolicy())).toBeInstanceOf(FarameshAuthError)
    expect(await admin.reloadPolicy()).toMatchObject({ status: 'reloaded' })
    const before = (await admin.getPolicyInfo()).policy_hash
    writeFileSync(join(gw.dir, 'policy.yaml'), 'rules: [ {match: {tool: x}} ]\n')
    const e = await fail(admin.reloadPolicy())
    expect(e).toBeInstanceOf(FarameshValidationError)
    expect(e.message).toContain('previous policy kept')
    expect((await admin.getPolicyInfo()).policy_hash).toBe(before)
    writeFileSync(join(gw.dir, 'policy.yaml'), POLICY)
  })
})

describe('the audit chain', () => {
  it('public key, checkpoints, NDJSON export from a seq, and the gateway’s own verify', async () => {
    const key = await admin.publicKey()
    expect(key.public_key_pem).toContain('BEGIN PUBLIC KEY')
    expect(Array.isArray(await admin.checkpoints())).toBe(true)
    const lines = (await admin.exportLedger()).trim().split('\n').map((l) => JSON.parse(l) as { seq: number })
    expect(lines[0]!.seq).toBe(1)
    const tail = (await admin.exportLedger(3)).trim().split('\n').map((l) => JSON.parse(l) as { seq: number })
    expect(tail[0]!.seq).toBe(3)
    expect(await admin.verifyLedger()).toMatchObject({ ok: true })
  })

  it('an agent may not read the chain; a bad from_seq is a validation error', async () => {
    for (const call of [() => agent.checkpoints(), () => agent.exportLedger(), () => agent.verifyLedger()])
      expect(await fail(call())).toBeInstanceOf(FarameshAuthError)
    expect(await fail(admin.exportLedger(-1))).toBeInstanceOf(FarameshValidationError)
  })

  it('a 200 answer that is not a list is a typed error, not a crash', async () => {
    const odd = new OperatorClient(gw.url, {
      token: ADMIN,
      fetch: async () => new Response('{"items": []}', { status: 200, headers: { 'content-type': 'application/json' } }),
    })
    expect(await fail(odd.listPage())).toBeInstanceOf(FarameshServerError)
  })
})

describe('subscribe', () => {
  it('resumes after a given event id, and its resume id follows the frames', async () => {
    const all = (await admin.exportLedger()).trim().split('\n').map((l) => JSON.parse(l) as { seq: number })
    const from = all.at(-2)!.seq
    const seen: number[] = []
    const sub = admin.subscribe((f) => seen.push(Number(f.seq)), { lastEventId: String(from) })
    expect(sub.lastEventId).toBe(String(from))
    const until = Date.now() + 5000
    while (!seen.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    sub.close()
    expect(seen[0]).toBe(from + 1)
    expect(sub.lastEventId).toBe(String(seen.at(-1)))
  })

  it('stops on a refused token, reporting the auth error once, and never reconnects', async () => {
    const errors: Error[] = []
    let attempts = 0
    let closed = false
    client('wrong').subscribe(() => undefined, {
      onConnecting: () => attempts++,
      onError: (e) => errors.push(e),
      onClose: () => (closed = true),
    })
    const until = Date.now() + 5000
    while (!closed && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
    expect([closed, attempts, errors.length]).toEqual([true, 1, 1])
    expect(errors[0]).toBeInstanceOf(FarameshAuthError)
  })
})
