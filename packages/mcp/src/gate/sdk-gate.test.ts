import { CoreClient } from '@faramesh/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, TOKENS, type TestGateway } from '../../test/gateway.js'
import { NOTES_POLICY } from '../../test/harness.js'
import { sdkGate } from './sdk-gate.js'

let g: TestGateway
beforeAll(async () => {
  g = await startTestGateway(NOTES_POLICY)
})
afterAll(async () => {
  await g?.close()
})

/** A fetch that fails with a network error while `down(url, method)` says so: a gateway blip, real gateway behind. */
function flaky(down: (url: string, method: string) => boolean): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    if (down(url, init?.method ?? 'GET')) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })
    return fetch(input, init)
  }
}
const agentWith = (f?: typeof fetch) => new CoreClient({ baseUrl: g.url, token: TOKENS.agent, maxRetries: 3, retryBackoffFactor: 0.01, timeoutMs: 3000, ...(f ? { fetch: f } : {}) })
let n = 0
const request = (operation: string, params: Record<string, unknown> = {}) => ({ agent_id: 'a1', tool: 'mcp:notes', operation, params: { ...params, n: ++n }, context: { mcp: { server: 'notes', annotations: null, protocol_version: null, agent_source: 'token' } } })

describe('sdkGate', () => {
  it('never hands out the approval token, even to an admin whose submit answer carries one', async () => {
    const admin = new CoreClient({ baseUrl: g.url, token: TOKENS.admin })
    const a = await sdkGate(admin).submit(request('write_note'), `k-${n}`)
    expect(a.status).toBe('pending_approval')
    expect(a.approval_token).toBeNull()
    expect((await g.admin.getAction(a.id)).approval_token).toBeTruthy()
  })

  it('the same idempotency key gives the same action', async () => {
    const gate = sdkGate(agentWith())
    const r = request('echo')
    const a = await gate.submit(r, 'same-key-1')
    expect((await gate.submit(r, 'same-key-1')).id).toBe(a.id)
  })

  it('reports and withdrawals are retried through a blip', async () => {
    let failResult = 1
    let failWithdraw = 1
    const gate = sdkGate(
      agentWith(
        flaky((url, method) => {
          if (method === 'POST' && url.endsWith('/result') && failResult > 0) return failResult-- > 0
          if (method === 'POST' && url.endsWith('/withdraw') && failWithdraw > 0) return failWithdraw-- > 0
          return false
        }),
      ),
    )
    const allowed = await gate.submit(request('echo'), `k-${n}`)
    await gate.report(allowed.id, { success: true, result: { mcp: { bytes: 1 } } })
    expect((await g.admin.getAction(allowed.id)).status).toBe('succeeded')
    const held = await gate.submit(request('write_note'), `k-${n}`)
    expect(await gate.withdraw(held.id, 'client left')).toBe('withdrawn')
    expect(await gate.withdraw(held.id, 'again')).toBe('too_late')
    expect(failResult + failWithdraw).toBeLessThanOrEqual(0)
  })

  it('a wait survives the gateway being unreachable for a while, and ends on approval', async () => {
    let blip = true
    const gate = sdkGate(agentWith(flaky((url, method) => blip && method === 'GET' && url.includes('/v1/actions/'))), { pollIntervalMs: 50 })
    const held = await gate.submit(request('write_note'), `k-${n}`)
    const ctl = new AbortController()
    const wait = gate.waitForDecision(held.id, ctl.signal)
    await new Promise((r) => setTimeout(r, 400))
    await g.approver.approveAction(held.id)
    blip = false
    const a = await wait
    expect(a.status).toBe('approved')
    expect(a.approval_token).toBeNull()
    expect(await gate.start(a.id)).toBe('started')
    expect(await gate.start(a.id)).toBe('closed')
  })

  it('a wait ends at once when its signal aborts', async () => {
    const gate = sdkGate(agentWith(), { pollIntervalMs: 50 })
    const held = await gate.submit(request('write_note'), `k-${n}`)
    const ctl = new AbortController()
    const wait = gate.waitForDecision(held.id, ctl.signal)
    ctl.abort(new Error('gave up'))
    await expect(wait).rejects.toThrow('gave up')
  })

  it('deniedOperations pages past 1000 operations and keeps the request order', async () => {
    const ops = Array.from({ length: 1500 }, (_, i) => (i % 500 === 7 ? 'delete_all' : `op${i}`))
    const denied = await sdkGate(agentWith()).deniedOperations('a1', 'mcp:notes', ops, { mcp: { server: 'notes', annotations: null, protocol_version: null, agent_source: 'token' } })
    expect(denied).toEqual(['delete_all', 'delete_all', 'delete_all'])
  })
})
