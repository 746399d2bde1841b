// Waiting: the SSE path and the polling fallback, deadlines, denials, expiry and aborts, on a real gateway.
import { createHash } from 'node:crypto'
import { startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ExecutionGovernorClient,
  FarameshApprovalTimeoutError,
  FarameshDeniedError,
  FarameshTimeoutError,
  type ClientConfig,
  type FarameshError,
} from '../src/index.js'
import { ADMIN, POLICY } from './policy.js'

const AGENT = 'agent-role-token'
const sha = (t: string) => createHash('sha256').update(t).digest('hex')
const TOKENS = JSON.stringify({ tokens: [{ name: 'bot', role: 'agent', sha256: sha(AGENT) }] })

let gw: TestGateway
let admin: ExecutionGovernorClient
beforeAll(async () => {
  gw = await startTestGateway({
    policy: POLICY,
    env: { FARAMESH_TOKEN: ADMIN, FARAMESH_TOKENS_FILE: 'tokens.json', FARAMESH_APPROVAL_TTL: '1s' },
    files: { 'tokens.json': TOKENS },
  })
  admin = new ExecutionGovernorClient(gw.url, { token: ADMIN })
})
afterAll(() => gw.close())

/** A client that counts its requests by "METHOD path". */
function counting(config: ClientConfig) {
  const calls: string[] = []
  const client = new ExecutionGovernorClient(gw.url, { ...config, onRequestStart: (m, u) => calls.push(`${m} ${new URL(u).pathname}`) })
  return { client, calls }
}

const later = (ms: number, fn: () => Promise<unknown>) => new Promise((r) => setTimeout(r, ms)).then(fn)

describe('waitForCompletion', () => {
  it('uses the event stream: wakes on the result without polling', async () => {
    const { client, calls } = counting({ token: ADMIN })
    const a = await admin.submitAction('payments', 'charge', { amount: 1 })
    const t0 = Date.now()
    const [done] = await Promise.all([
      client.waitForCompletion(a.id, 60_000, 20_000), // a poll would take a minute
      later(400, () => admin.reportResult(a.id, { success: true, result: 'ok' })),
    ])
    expect(done.status).toBe('succeeded')
    expect(Date.now() - t0).toBeLessThan(5000)
    // one read after subscribing, one fresh read of the final state
    expect(calls.filter((c) => c.startsWith('GET /v1/actions/'))).toHaveLength(2)
  })

  it('falls back to polling when the caller may not stream (agent token: 403 on /v1/events)', async () => {
    const { client, calls } = counting({ token: AGENT, agentId: 'bot' }) // an agent token acts for its own agent (CONTRACT.md § Auth)
    const a = await client.submitAction('payments', 'charge', { amount: 1 })
    const [done] = await Promise.all([
      client.waitForCompletion(a.id, 100, 20_000),
      later(700, () => admin.reportResult(a.id, { success: false, error: 'declined' })),
    ])
    expect(done).toMatchObject({ status: 'failed', error: 'declined' })
    expect(calls.filter((c) => c.startsWith('GET /v1/actions/')).length).toBeGreaterThanOrEqual(4)
  })

  it('polls when SSE is switched off', async () => {
    const { client, calls } = counting({ token: ADMIN, sse: false })
    const a = await admin.submitAction('payments', 'charge', { amount: 1 })
    const [done] = await Promise.all([client.waitForCompletion(a.id, 100, 20_000), later(500, () => admin.reportResult(a.id, true))])
    expect(done.status).toBe('succeeded')
    expect(calls.some((c) => c === 'GET /v1/events')).toBe(false)
    expect(calls.filter((c) => c.startsWith('GET /v1/actions/')).length).toBeGreaterThanOrEqual(3)
  })

  it('throws FarameshTimeoutError with the last state when nothing happens in time (both paths)', async () => {
    for (const sse of [true, false]) {
      const c = new ExecutionGovernorClient(gw.url, { token: ADMIN, sse })
      const a = await c.submitAction('payments', 'charge', { amount: 1 })
      const e = (await c.waitForCompletion(a.id, 100, 600).catch((x: unknown) => x)) as FarameshError
      expect(e).toBeInstanceOf(FarameshTimeoutError)
      expect(e.action?.status).toBe('allowed')
    }
  })

  it('stops waiting when the caller aborts', async () => {
    const a = await admin.submitAction('payments', 'charge', { amount: 1 })
    const ctl = new AbortController()
    setTimeout(() => ctl.abort(new Error('user gave up')), 300)
    await expect(admin.waitForCompletion(a.id, { timeoutMs: 10_000, signal: ctl.signal })).rejects.toThrow('user gave up')
  })
})

describe('waiting for a human', () => {
  it('blockUntilApproved returns the approved action', async () => {
    const a = await admin.submitAction('shell', 'deploy', {})
    const [ok] = await Promise.all([admin.blockUntilApproved(a.id, { timeoutMs: 10_000 }), later(300, () => admin.approveAction(a.id))])
    expect(ok.status).toBe('approved')
  })

  it('blockUntilApproved throws FarameshDeniedError with the reason when a human denies', async () => {
    const a = await admin.submitAction('shell', 'deploy', {})
    const [e] = (await Promise.all([
      admin.blockUntilApproved(a.id, { timeoutMs: 10_000 }).catch((x: unknown) => x),
      later(300, () => admin.denyAction(a.id, undefined, 'too risky')),
    ])) as [FarameshError, unknown]
    expect(e).toBeInstanceOf(FarameshDeniedError)
    expect(e.message).toContain('too risky')
  })

  it('waitForDecision throws FarameshApprovalTimeoutError when nobody decides in time', async () => {
    const a = await admin.submitAction('shell', 'deploy', {})
    await expect(admin.waitForDecision(a.id, { timeoutMs: 300 })).rejects.toBeInstanceOf(FarameshApprovalTimeoutError)
  })

  it('blockUntilApproved throws FarameshApprovalTimeoutError when the approval expires on the gateway', async () => {
    const a = await admin.submitAction('shell', 'deploy', {})
    const e = (await admin.blockUntilApproved(a.id, { timeoutMs: 10_000, pollIntervalMs: 200 }).catch((x: unknown) => x)) as FarameshError
    expect(e).toBeInstanceOf(FarameshApprovalTimeoutError)
    expect(e.action?.status).toBe('timeout')
  })
})
