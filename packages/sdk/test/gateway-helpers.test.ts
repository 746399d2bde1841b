// The one-call helpers (withGate, governed), the functional API over the default client, and the original
// SDK's extras (decide, gateGovern, executeIfAllowed, replayDecision, batches, submitAndWait), on a real gateway.
import { approveWhilePending, startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as sdk from '../src/index.js'
import { DeferredError, DenyError, FarameshApprovalTimeoutError, FarameshBatchError, FarameshDeniedError, type FarameshError } from '../src/index.js'
import { POLICY } from './policy.js'

let gw: TestGateway
beforeAll(async () => {
  gw = await startTestGateway({ policy: POLICY, env: { FARAMESH_EXECUTORS: 'shell' } })
  sdk.configure({ baseUrl: gw.url, agentId: 'functional' })
})
afterAll(() => gw.close())

/** Approve (or deny) pending actions matching `pick` while `fn` runs. */
async function withApprover<T>(pick: (a: { tool: string; params: Record<string, unknown> }) => boolean | undefined, fn: () => Promise<T>) {
  const ctl = new AbortController()
  const approver = approveWhilePending(gw.url, pick, ctl.signal)
  try {
    return await fn()
  } finally {
    ctl.abort()
    await approver.catch(() => undefined)
  }
}

describe('withGate', () => {
  it('runs the work when allowed and records success with the result', async () => {
    const out = await sdk.withGate({ tool: 'http', operation: 'get', params: { url: 'u' } }, (a) => ({ got: a.status }))
    expect(out).toEqual({ got: 'allowed' })
    const [last] = await sdk.listActions({ agent_id: 'functional', limit: 1 })
    expect(last).toMatchObject({ status: 'succeeded', result: { got: 'allowed' } })
  })

  it('never runs the work when denied, and says why', async () => {
    let ran = false
    const e = (await sdk.withGate({ tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } }, () => (ran = true)).catch((x: unknown) => x)) as FarameshError
    expect(ran).toBe(false)
    expect(e).toBeInstanceOf(FarameshDeniedError)
    expect(e.message).toContain('destructive command')
    expect(e.action?.status).toBe('denied')
  })

  it('waits for a human approval, then runs', async () => {
    const out = await withApprover(
      () => true,
      () => sdk.withGate({ tool: 'shell', operation: 'deploy', params: { v: 2 } }, (a) => `deployed after ${a.status}`, { approvalTimeoutMs: 10000 }),
    )
    expect(out).toBe('deployed after approved')
  })

  it('does not run when the human denies', async () => {
    let ran = false
    const e = await withApprover(
      () => false,
      () => sdk.withGate({ tool: 'shell', operation: 'deploy' }, () => (ran = true), { approvalTimeoutMs: 10000 }).catch((x: unknown) => x),
    )
    expect(e).toBeInstanceOf(FarameshDeniedError)
    expect(ran).toBe(false)
  })

  it('gives up with FarameshApprovalTimeoutError when nobody decides', async () => {
    let ran = false
    await expect(sdk.withGate({ tool: 'shell', operation: 'deploy' }, () => (ran = true), { approvalTimeoutMs: 300 })).rejects.toBeInstanceOf(
      FarameshApprovalTimeoutError,
    )
    expect(ran).toBe(false)
  })

  it('records a failure with the error message and rethrows the original error', async () => {
    const boom = new Error('disk full')
    await expect(
      sdk.withGate({ tool: 'payments', operation: 'charge', context: { agent_id: 'failing' } }, () => {
        throw boom
      }),
    ).rejects.toBe(boom)
    const [a] = await sdk.listActions({ agent_id: 'failing', limit: 1 })
    expect(a).toMatchObject({ status: 'failed', error: 'disk full' })
  })

  it('governed() wraps a function so every call is gated with its params', async () => {
    const refund = sdk.governed({ tool: 'payments', operation: 'refund' }, ({ amount }: { amount: number }) => `refunded ${amount}`, {
      approvalTimeoutMs: 300,
    })
    expect(await refund({ amount: 20 })).toBe('refunded 20')
    await expect(refund({ amount: 5000 })).rejects.toBeInstanceOf(FarameshApprovalTimeoutError)
  })
})

describe('functional API and extras', () => {
  it('submits positionally and by object, and exposes the active config', async () => {
    expect(sdk.getActiveConfig()).toMatchObject({ baseUrl: gw.url, agentId: 'functional' })
    const a = await sdk.submitAction('fn-agent', 'http', 'get', { url: 'x' })
    const b = await sdk.submitAction({ agent_id: 'fn-agent', tool: 'http', operation: 'get' })
    expect([a.agent_id, b.agent_id]).toEqual(['fn-agent', 'fn-agent'])
    expect((await sdk.getAction(a.id)).id).toBe(a.id)
    expect((await sdk.getEvents(a.id)).length).toBe(2)
  })

  it('approves and denies with the aliases, starts and waits', async () => {
    const p1 = await sdk.submitAction('fn-agent', 'shell', 'deploy')
    const p2 = await sdk.submitAction('fn-agent', 'shell', 'deploy')
    expect((await sdk.allow(p1.id)).status).toBe('approved')
    expect((await sdk.deny(p2.id, p2.approval_token!)).status).toBe('denied')
    const r = await sdk.submitAction('fn-agent', 'shell', 'run', { cmd: 'echo functional' })
    await sdk.startAction(r.id)
    expect((await sdk.waitForCompletion(r.id, 100, 15000)).status).toBe('succeeded')
    expect((await sdk.reportResult(p1.id, true)).status).toBe('succeeded')
  })

  it('decides without storing anything', async () => {
    const before = (await sdk.listActions({ limit: 1000 })).length
    const allow = await sdk.decide({ agent_id: 'g', tool: 'http', operation: 'get' })
    const halt = await sdk.gateDecide('g', 'shell', 'run', { cmd: 'rm -rf /' })
    const abstain = await sdk.gateDecideDict('g', 'shell', 'deploy')
    expect([allow.outcome, halt.outcome, abstain.outcome]).toEqual(['EXECUTE', 'HALT', 'ABSTAIN'])
    expect(halt).toMatchObject({ reason_code: 'POLICY_DENY', reason: 'destructive command' })
    expect((await sdk.listActions({ limit: 1000 })).length).toBe(before)
  })

  it('gateGovern returns on EXECUTE, throws DenyError on HALT and DeferredError on ABSTAIN', async () => {
    expect((await sdk.gateGovern('g', 'http', 'get')).outcome).toBe('EXECUTE')
    const deny = (await sdk.gateGovern('g', 'shell', 'run', { cmd: 'rm -rf /' }).catch((x: unknown) => x)) as DenyError
    expect(deny).toBeInstanceOf(DenyError)
    expect(deny).toMatchObject({ reasonCode: 'POLICY_DENY', reasonDetail: 'destructive command' })
    const deferred = (await sdk.gateGovern('g', 'shell', 'deploy').catch((x: unknown) => x)) as DeferredError
    expect(deferred).toBeInstanceOf(DeferredError)
    expect(deferred.reasonCode).toBe('POLICY_REQUIRE_APPROVAL')
  })

  it('executeIfAllowed runs the executor only on EXECUTE', async () => {
    const ok = await sdk.executeIfAllowed({ agentId: 'g', tool: 'http', operation: 'get', executor: () => 42 })
    const no = await sdk.executeIfAllowed({ agentId: 'g', tool: 'shell', operation: 'deploy', executor: () => 43 })
    expect(ok).toMatchObject({ executed: true, executionResult: 42, outcome: 'EXECUTE' })
    expect(no).toMatchObject({ executed: false, outcome: 'ABSTAIN' })
  })

  it('replayDecision matches a stored action by id and by provenance id', async () => {
    const a = await sdk.submitAction('g', 'payments', 'refund', { amount: 3 })
    expect((await sdk.replayDecision({ actionId: a.id })).success).toBe(true)
    const byProv = await sdk.replayDecision({ provenanceId: a.provenance_id! })
    expect(byProv).toMatchObject({ success: true, requestHashMatch: true, policyHashMatch: true, mismatches: [] })
  })

  it('submits batches, and FarameshBatchError carries the failures', async () => {
    const specs = [
      { agent_id: 'b', tool: 'http', operation: 'get' },
      { agent_id: 'b', tool: '', operation: 'get' },
    ]
    const r = await sdk.submitActions(specs)
    expect(r[0]).toMatchObject({ status: 'allowed' })
    expect(r[1]).toMatchObject({ error: 'tool must be a non-empty string' })
    expect((await sdk.submitActionsBulk(specs))[1]).toMatchObject({ index: 1 })
    const e = (await sdk.submitActionsBulk(specs, { raiseOnError: true }).catch((x: unknown) => x)) as FarameshBatchError
    expect(e).toBeInstanceOf(FarameshBatchError)
    expect(e.errors).toHaveLength(1)
    expect(e.successes).toHaveLength(1)
  })

  it('submitAndWait: returns pending without requireApproval; with it waits, then autoStart runs on the gateway', async () => {
    const pending = await sdk.submitAndWait({ agentId: 's', tool: 'shell', operation: 'deploy' })
    expect(pending.status).toBe('pending_approval')
    const done = await withApprover(
      (a) => a.tool === 'shell',
      () => sdk.submitAndWait({ agentId: 's', tool: 'shell', operation: 'run', params: { cmd: 'printf waited' }, requireApproval: true, autoStart: true, timeoutMs: 15000, pollIntervalMs: 100 }),
    )
    expect(done.status).toBe('succeeded')
    expect(JSON.stringify(done.result)).toContain('waited')
    expect((await sdk.getEvents(done.id)).map((e) => e.event_type)).toContain('approved')
    await expect(sdk.submitAndWait({ agentId: 's', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } })).rejects.toBeInstanceOf(
      FarameshDeniedError,
    )
  })
})
