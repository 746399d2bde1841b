import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { call, eventually, makeApp, type TestApp } from './helpers.js'

let t: TestApp
beforeEach(async () => {
  t = await makeApp()
})
afterEach(async () => {
  await t.close()
})

const submit = (body: object) => call(t.app, 'POST', '/v1/actions', body)
const eventTypes = async (id: string) => (await call(t.app, 'GET', `/v1/actions/${id}/events`)).body.map((e: { event_type: string }) => e.event_type)
const settled = (id: string) =>
  eventually(async () => {
    const a = (await call(t.app, 'GET', `/v1/actions/${id}`)).body
    return ['succeeded', 'failed'].includes(a.status) ? a : null
  })

describe('action lifecycle', () => {
  it('allows, starts and records a reported success with the exact event sequence', async () => {
    const a = await submit({ agent_id: 'a1', tool: 'http', operation: 'get', params: { url: 'https://x' } })
    expect(a.status).toBe(200)
    expect(a.body).toMatchObject({ status: 'allowed', decision: 'allow', outcome: 'EXECUTE', reason_code: 'POLICY_ALLOW', reason: 'Allow HTTP GET' })
    expect(a.body.approval_token).toBeNull()
    expect(a.body.request_hash).toMatch(/^[0-9a-f]{64}$/)
    const s = await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`)
    expect(s.body.status).toBe('executing') // no executor for http: the agent reports
    const r = await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: true, result: { code: 200 } })
    expect(r.body).toMatchObject({ status: 'succeeded', result: { code: 200 }, error: null })
    expect(await eventTypes(a.body.id)).toEqual(['created', 'decision_made', 'started', 'succeeded'])
    expect(await t.ledger.verify()).toMatchObject({ ok: true })
  })

  it('denies with 200, refuses to start it (409), and records only created + decision_made', async () => {
    const a = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } })
    expect(a.status).toBe(200)
    expect(a.body).toMatchObject({ status: 'denied', decision: 'deny', outcome: 'HALT', reason_code: 'POLICY_DENY' })
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`)).status).toBe(409)
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: true })).status).toBe(409)
    expect(await eventTypes(a.body.id)).toEqual(['created', 'decision_made'])
  })

  it('denies by default when no rule matches', async () => {
    const a = await submit({ agent_id: 'a1', tool: 'ftp', operation: 'put' })
    expect(a.body).toMatchObject({ status: 'denied', reason_code: 'DEFAULT_DENY_NO_MATCH', reason: 'No rule matched (deny by default)' })
  })

  it('require_approval → approve → start runs the shell executor → succeeded, chain verifies', async () => {
    const a = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'echo hello' } })
    expect(a.body).toMatchObject({ status: 'pending_approval', outcome: 'ABSTAIN', reason_code: 'POLICY_REQUIRE_APPROVAL' })
    expect(a.body.approval_token).toEqual(expect.any(String))
    const ap = await call(t.app, 'POST', `/v1/actions/${a.body.id}/approval`, { token: a.body.approval_token, approve: true, reason: 'ok' })
    expect(ap.status).toBe(200)
    expect(ap.body.status).toBe('approved')
    expect(ap.body.approval_token).toBeNull()
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`, {})).body.status).toBe('executing')
    const done = await settled(a.body.id)
    expect(done).toMatchObject({ status: 'succeeded', error: null, result: { exit_code: 0, stdout: 'hello\n' } })
    const events = (await call(t.app, 'GET', `/v1/actions/${a.body.id}/events`)).body
    expect(events.map((e: { event_type: string }) => e.event_type)).toEqual(['created', 'decision_made', 'approved', 'started', 'succeeded'])
    expect(events[2].meta).toMatchObject({ reason: 'ok', request_hash: a.body.request_hash })
    expect(events[4].meta).toMatchObject({ exit_code: 0, stdout: 'hello\n' })
    expect(await t.ledger.verify()).toMatchObject({ ok: true })
  })

  it('require_approval → approve → reported failure', async () => {
    const a = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'make deploy' } })
    await call(t.app, 'POST', `/v1/actions/${a.body.id}/approval`, { token: a.body.approval_token, approve: true })
    const r = await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: false, error: 'boom' })
    expect(r.body).toMatchObject({ status: 'failed', error: 'boom' })
    expect(await eventTypes(a.body.id)).toEqual(['created', 'decision_made', 'approved', 'failed'])
  })

  it('require_approval → deny', async () => {
    const a = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'make deploy' } })
    const r = await call(t.app, 'POST', `/v1/actions/${a.body.id}/approval`, { token: a.body.approval_token, approve: false, reason: 'no' })
    expect(r.body.status).toBe('denied')
    expect(await eventTypes(a.body.id)).toEqual(['created', 'decision_made', 'denied'])
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`)).status).toBe(409)
  })

  it('refuses a result while the action is still pending approval (409)', async () => {
    const a = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'ls' } })
    const r = await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: true })
    expect(r.status).toBe(409)
    expect(r.body.detail).toMatch(/pending_approval/)
  })

  it('upgrades a high-risk allow to approval with POLICY_REQUIRE_APPROVAL', async () => {
    const a = await submit({ agent_id: 'a1', tool: 'stripe', operation: 'refund', params: { amount: '5000' } })
    expect(a.body).toMatchObject({ status: 'pending_approval', risk_level: 'high', risk_rule: 'big_refund', reason_code: 'POLICY_REQUIRE_APPROVAL' })
    expect(a.body.reason).toMatch(/high risk requires approval/)
  })

  it('takes agent_id from context (class-style SDK)', async () => {
    const a = await submit({ tool: 'http', operation: 'get', context: { agent_id: 'ctx-agent' } })
    expect(a.body.agent_id).toBe('ctx-agent')
    expect((await submit({ tool: 'http', operation: 'get' })).status).toBe(422)
  })
})

describe('shell executor', () => {
  const run = async (cmd: string, context: object = {}) => {
    const a = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: `${cmd} # safe` }, context })
    expect(a.body.status).toBe('allowed')
    await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`)
    return settled(a.body.id)
  }

  it('records a non-zero exit as failed with the exit code and stderr', async () => {
    const done = await run('echo oops >&2; exit 3')
    expect(done).toMatchObject({ status: 'failed', error: 'exit code 3', result: { exit_code: 3, stderr: 'oops\n' } })
  })

  it('kills a command past context.timeout and fails it with error "timeout"', async () => {
    const started = Date.now()
    const done = await run('sleep 20', { timeout: 1 })
    expect(done).toMatchObject({ status: 'failed', error: 'timeout' })
    expect(Date.now() - started).toBeLessThan(8000)
  }, 20_000)

  it('truncates long output', async () => {
    const done = await run('head -c 200000 /dev/zero | tr "\\0" x')
    expect(done.result.stdout.length).toBe(64 * 1024)
    expect(done.result.stdout_truncated).toBe(true)
  })

  it('does not block the server while a command runs', async () => {
    const a = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'sleep 2 # safe' }, context: { timeout: 5 } })
    await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`)
    const before = Date.now()
    expect((await call(t.app, 'GET', '/health')).status).toBe(200)
    expect(Date.now() - before).toBeLessThan(1500)
  })
})

describe('executors disabled', () => {
  it('leaves a started action executing until its agent reports (FARAMESH_EXECUTORS=none)', async () => {
    await t.close()
    t = await makeApp({ config: { executors: [] } })
    const a = await submit({ agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'echo safe' } })
    await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`)
    await t.app.runner.idle()
    expect((await call(t.app, 'GET', `/v1/actions/${a.body.id}`)).body.status).toBe('executing')
    const r = await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: true })
    expect(r.body.status).toBe('succeeded')
  })
})
