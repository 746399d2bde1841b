// The gateway goes away: fail-closed (default) throws FarameshUnavailableError, fail-open lets calls through
// marked ungoverned and warns once; a submit refused at connect time is retried until the gateway is back.
import { startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  ExecutionGovernorClient,
  FarameshConnectionError,
  FarameshUnavailableError,
  resetFailOpenWarning,
} from '../src/index.js'
import { POLICY } from './policy.js'

let gw: TestGateway
beforeAll(async () => {
  gw = await startTestGateway({ policy: POLICY })
})
afterAll(() => gw.close())
afterEach(async () => {
  vi.restoreAllMocks()
  if (!(await fetch(`${gw.url}/health`).then((r) => r.ok, () => false))) await gw.restart()
})

const quick = { maxRetries: 2, retryBackoffFactor: 0.02 }

describe('gateway stopped', () => {
  it('failClosed (default): submit, decide and reads throw FarameshUnavailableError', async () => {
    const c = new ExecutionGovernorClient(gw.url, quick)
    expect(c.config.failMode).toBe('failClosed')
    await gw.stop()
    const e = await c.submitAction('http', 'get').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(FarameshUnavailableError)
    expect(e).toBeInstanceOf(FarameshConnectionError)
    expect((e as Error).message).toContain(gw.url)
    await expect(c.decide({ agent_id: 'a', tool: 'http', operation: 'get' })).rejects.toBeInstanceOf(FarameshUnavailableError)
    await expect(c.listActions()).rejects.toBeInstanceOf(FarameshUnavailableError)
  })

  it('failClosed: withGate never runs the work', async () => {
    const c = new ExecutionGovernorClient(gw.url, quick)
    await gw.stop()
    let ran = false
    await expect(c.withGate({ tool: 'http', operation: 'get' }, () => (ran = true))).rejects.toBeInstanceOf(FarameshUnavailableError)
    expect(ran).toBe(false)
  })

  it('failOpen: submit and decide answer "allowed, not governed" and warn exactly once', async () => {
    resetFailOpenWarning()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const c = new ExecutionGovernorClient(gw.url, { ...quick, failMode: 'failOpen' })
    await gw.stop()
    const a = await c.submitAction('shell', 'run', { cmd: 'rm -rf /' })
    expect(a).toMatchObject({ status: 'allowed', decision: 'allow', governed: false, tool: 'shell' })
    expect(a.id).toMatch(/^ungoverned-/)
    const d = await c.decide({ agent_id: 'a', tool: 'http', operation: 'get' })
    expect(d).toMatchObject({ outcome: 'EXECUTE', governed: false })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toContain('UNGOVERNED')
    // Reads are not decisions: they still fail.
    await expect(c.getAction(a.id)).rejects.toBeInstanceOf(FarameshUnavailableError)
  })

  it('failOpen: withGate runs the work and does not try to report it', async () => {
    resetFailOpenWarning()
    vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    const calls: string[] = []
    const c = new ExecutionGovernorClient(gw.url, { ...quick, failMode: 'failOpen', onRequestStart: (m, u) => calls.push(`${m} ${new URL(u).pathname}`) })
    await gw.stop()
    const out = await c.withGate({ tool: 'http', operation: 'get' }, (a) => `ran ${String(a.governed)}`)
    expect(out).toBe('ran false')
    expect(calls).toEqual(['POST /v1/actions'])
  })

  it('failOpen does not apply while the gateway is up: a denial is still a denial', async () => {
    const c = new ExecutionGovernorClient(gw.url, { failMode: 'failOpen', throwOnDeny: false })
    const a = await c.submitAction('shell', 'run', { cmd: 'rm -rf /' })
    expect(a.status).toBe('denied')
    expect(a.governed).toBeUndefined()
  })

  it('retries a refused submit until the gateway is back, storing it exactly once', async () => {
    const c = new ExecutionGovernorClient(gw.url, { maxRetries: 8, retryBackoffFactor: 0.1 })
    await gw.stop()
    // Let the client notice the closed keep-alive sockets: a POST written to a socket the server is closing
    // may have been received, so it is (rightly) not retried; only a refused connection is.
    await new Promise((r) => setTimeout(r, 100))
    const pending = c.submitAction({ tool: 'http', operation: 'get', context: { agent_id: 'restart-probe' } }).then(
      (a) => a,
      (e: unknown) => e as Error,
    )
    await new Promise((r) => setTimeout(r, 400))
    await gw.restart()
    const a = await pending
    if (a instanceof Error) throw a
    expect(a.status).toBe('allowed')
    expect(await c.listActions({ agent_id: 'restart-probe' })).toHaveLength(1)
  })
})
