// Every endpoint method and every HTTP error class, against a real gateway on 127.0.0.1.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ExecutionGovernorClient,
  FarameshAuthError,
  FarameshConflictError,
  FarameshNotFoundError,
  FarameshPolicyError,
  FarameshValidationError,
  computeRequestHash,
  verifyRequestHash,
  type FarameshError,
} from '../src/node/index.js'
import { ADMIN, POLICY } from './policy.js'

let gw: TestGateway
let c: ExecutionGovernorClient
beforeAll(async () => {
  gw = await startTestGateway({ policy: POLICY, env: { FARAMESH_TOKEN: ADMIN, FARAMESH_EXECUTORS: 'shell' } })
  c = new ExecutionGovernorClient(gw.url, { token: ADMIN, agentId: 'sdk-test' })
})
afterAll(() => gw.close())

const fail = (p: Promise<unknown>) => p.then(() => expect.fail('expected an error'), (e: unknown) => e as FarameshError)

describe('submit', () => {
  it('takes the seed object form, with the agent id from context', async () => {
    const a = await c.submitAction({ tool: 'http', operation: 'get', params: { url: 'https://x' }, context: { agent_id: 'bot-1' } })
    expect(a).toMatchObject({ agent_id: 'bot-1', status: 'allowed', decision: 'allow', reason: 'reads are fine', outcome: 'EXECUTE' })
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('repeats a submit carrying an idempotencyKey as the same action (the gateway de-duplicates)', async () => {
    const key = `sdk-idem-${Date.now()}`
    const a = await c.submitAction('http', 'get', { url: 'https://x' }, {}, { idempotencyKey: key })
    const b = await c.submitAction('http', 'get', { url: 'https://x' }, {}, { idempotencyKey: key })
    expect(b.id).toBe(a.id)
    expect(await c.getEvents(a.id)).toHaveLength(2)
    const reused = await fail(c.submitAction('http', 'get', { url: 'https://y' }, {}, { idempotencyKey: key }))
    expect(reused).toBeInstanceOf(FarameshValidationError)
    expect(reused.message).toMatch(/Idempotency-Key was already used for a different request/)
    const other = await c.submitAction('http', 'get', { url: 'https://x' }, {}, { idempotencyKey: `${key}-2` })
    expect(other.id).not.toBe(a.id)
  })

  it('takes the positional form, with the configured agent id', async () => {
    const a = await c.submitAction('payments', 'refund', { amount: 5 })
    expect(a).toMatchObject({ agent_id: 'sdk-test', status: 'allowed', reason_code: 'POLICY_ALLOW' })
  })

  it('returns pending_approval with an approval token', async () => {
    const a = await c.submitAction('payments', 'refund', { amount: '1500' })
    expect(a.status).toBe('pending_approval')
    expect(a.approval_token).toEqual(expect.any(String))
  })

  it('throws FarameshPolicyError on denial (as the original SDK), carrying the action', async () => {
    const e = await fail(c.submitAction('shell', 'run', { cmd: 'rm -rf /' }))
    expect(e).toBeInstanceOf(FarameshPolicyError)
    expect(e.message).toBe('destructive command')
    expect(e.action).toMatchObject({ status: 'denied', reason_code: 'POLICY_DENY' })
    expect((await c.getAction(e.action!.id)).status).toBe('denied')
  })

  it('returns the denied action when throwOnDeny is false', async () => {
    const a = await c.submitAction('unknown-tool', 'x', {}, {}, { throwOnDeny: false })
    expect(a).toMatchObject({ status: 'denied', reason_code: 'DEFAULT_DENY_NO_MATCH' })
  })

  it('has a request_hash the agent can verify locally', async () => {
    const req = { agent_id: 'h', tool: 'http', operation: 'get', params: { url: 'https://é.example', n: 1.5, big: 1e21 }, context: { k: [1, 'x'] } }
    const a = await c.submit(req)
    expect(computeRequestHash(req)).toBe(a.request_hash)
    expect(verifyRequestHash(req, a.request_hash!)).toBe(true)
    expect(verifyRequestHash({ ...req, params: { url: 'https://evil' } }, a.request_hash!)).toBe(false)
  })
})

describe('reads', () => {
  it('gets, lists with filters (newest first) and reads events oldest first', async () => {
    const a1 = await c.submitAction({ tool: 'http', operation: 'get', context: { agent_id: 'lister' } })
    const a2 = await c.submitAction({ tool: 'http', operation: 'get', context: { agent_id: 'lister' } })
    expect((await c.getAction(a1.id)).id).toBe(a1.id)
    const list = await c.listActions({ agent_id: 'lister', tool: 'http', limit: 10 })
    expect(list.map((a) => a.id)).toEqual([a2.id, a1.id])
    expect(list.every((a) => a.approval_token === null || a.approval_token === undefined)).toBe(true)
    expect(await c.listActions({ agent_id: 'lister', limit: 1 })).toHaveLength(1)
    const events = await c.getEvents(a1.id)
    expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made'])
    expect(events[1]!.meta).toMatchObject({ decision: 'allow' })
  })

  it('reads the policy info', async () => {
    const info = await c.getPolicyInfo()
    expect(info).toMatchObject({ exists: true, policy_version: expect.stringMatching(/^sha256:[0-9a-f]{12}$/) })
  })
})

describe('approval, start and result', () => {
  it('approves with the token from submit, then records the reported result', async () => {
    const a = await c.submitAction('shell', 'deploy', { target: 'prod' })
    const ok = await c.approveAction(a.id, a.approval_token!, 'looks fine')
    expect(ok.status).toBe('approved')
    const done = await c.reportResult(a.id, { success: true, result: { deployed: 3 } })
    expect(done.status).toBe('succeeded')
    expect((await c.getEvents(a.id)).map((e) => e.event_type)).toEqual(['created', 'decision_made', 'approved', 'succeeded'])
  })

  it('denies without a token by fetching it first', async () => {
    const a = await c.submitAction('shell', 'deploy', {})
    const d = await c.denyAction(a.id, undefined, 'not today')
    expect(d.status).toBe('denied')
    const ev = await c.getEvents(a.id)
    expect(ev.at(-1)).toMatchObject({ event_type: 'denied', meta: expect.objectContaining({ reason: 'not today' }) })
  })

  it('reports a failure with the positional form', async () => {
    const a = await c.submitAction('payments', 'charge', { amount: 1 })
    const f = await c.reportResult(a.id, false, 'card declined')
    expect(f).toMatchObject({ status: 'failed', error: 'card declined' })
  })

  it('starts an allowed shell action on the gateway executor and waits for its output', async () => {
    const a = await c.submitAction('shell', 'run', { cmd: 'echo governed-hello' })
    expect((await c.startAction(a.id)).status).toBe('executing')
    const done = await c.waitForCompletion(a.id, 100, 15000)
    expect(done.status).toBe('succeeded')
    expect(JSON.stringify(done.result)).toContain('governed-hello')
  })

  it('replays an action as a new one linked by context.replayed_from', async () => {
    const a = await c.submitAction('http', 'get', { url: 'https://r' })
    const r = await c.replayAction(a.id)
    expect(r.id).not.toBe(a.id)
    expect(r.context).toMatchObject({ replayed_from: a.id })
    expect(r.params).toEqual(a.params)
  })
})

describe('typed errors from the gateway', () => {
  it('401 without a token → FarameshAuthError', async () => {
    const e = await fail(new ExecutionGovernorClient(gw.url, { token: '' }).listActions())
    expect(e).toBeInstanceOf(FarameshAuthError)
    expect(e).toMatchObject({ statusCode: 401, detail: 'Unauthorized' })
  })

  it('403 on a wrong approval token → FarameshAuthError with the detail', async () => {
    const a = await c.submitAction('shell', 'deploy', {})
    const e = await fail(c.approveAction(a.id, 'not-the-token'))
    expect(e).toBeInstanceOf(FarameshAuthError)
    expect(e).toMatchObject({ statusCode: 403, detail: 'Invalid approval token' })
  })

  it('404 on an unknown action → FarameshNotFoundError', async () => {
    const e = await fail(c.getAction('00000000-0000-4000-8000-000000000000'))
    expect(e).toBeInstanceOf(FarameshNotFoundError)
    expect(e).toMatchObject({ statusCode: 404, detail: 'Action not found' })
  })

  it('409 when the state does not allow it → FarameshConflictError', async () => {
    const a = await c.submitAction('shell', 'deploy', {})
    const e = await fail(c.reportResult(a.id, { success: true }))
    expect(e).toBeInstanceOf(FarameshConflictError)
    expect(e.statusCode).toBe(409)
    await c.approveAction(a.id)
    const again = await fail(c.approveAction(a.id, 'x'))
    expect(again).toBeInstanceOf(FarameshConflictError)
    expect(String(again.detail)).toContain('Action is not in pending_approval status')
  })

  it('422 on a bad query → FarameshValidationError', async () => {
    const e = await fail(c.listActions({ status: 'bogus' as never }))
    expect(e).toBeInstanceOf(FarameshValidationError)
    expect(e.statusCode).toBe(422)
  })
})

describe('apply', () => {
  it('submits an action described in a JSON or YAML file, and rejects an incomplete one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdk-apply-'))
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ agent_id: 'file', tool: 'http', operation: 'get', params: { url: 'u' } }))
    writeFileSync(join(dir, 'b.yaml'), 'agent_id: file\ntool: payments\noperation: refund\nparams:\n  amount: 5000\n')
    writeFileSync(join(dir, 'c.yaml'), 'tool: http\n')
    expect(await c.apply(join(dir, 'a.json'))).toMatchObject({ agent_id: 'file', status: 'allowed' })
    expect(await c.apply(join(dir, 'b.yaml'))).toMatchObject({ status: 'pending_approval', params: { amount: 5000 } })
    await expect(c.apply(join(dir, 'c.yaml'))).rejects.toThrow('Missing required fields')
    await expect(c.apply(join(dir, 'missing.json'))).rejects.toBeInstanceOf(FarameshValidationError)
  })
})
