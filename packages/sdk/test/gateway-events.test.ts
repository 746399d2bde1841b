// Live events over SSE: onEvents (filters, reconnect with Last-Event-ID), streamEvents and tailEvents.
import { startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExecutionGovernorClient, type FarameshEvent } from '../src/index.js'
import { POLICY } from './policy.js'

let gw: TestGateway
let c: ExecutionGovernorClient
beforeAll(async () => {
  gw = await startTestGateway({ policy: POLICY })
  c = new ExecutionGovernorClient(gw.url, { throwOnDeny: false })
})
afterAll(() => gw.close())

const until = async (cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

function opened(): { wait: Promise<void>; onOpen: () => void } {
  let onOpen!: () => void
  const wait = new Promise<void>((r) => (onOpen = r))
  return { wait, onOpen }
}

describe('events', () => {
  it('onEvents delivers frames in both spellings, filtered by action and type', async () => {
    const all: FarameshEvent[] = []
    const o = opened()
    const close = c.onEvents((e) => all.push(e), { onOpen: o.onOpen })
    await o.wait
    const a = await c.submitAction('shell', 'deploy', {})
    const only: FarameshEvent[] = []
    const o2 = opened()
    const close2 = c.onEvents((e) => only.push(e), { actionId: a.id, eventTypes: ['approved'], onOpen: o2.onOpen })
    await o2.wait
    await c.approveAction(a.id)
    await until(() => all.filter((e) => e.action_id === a.id).length >= 3 && only.length >= 1)
    close()
    close2()
    expect(all.filter((e) => e.action_id === a.id).map((e) => [e.type, e.event_type])).toEqual([
      ['action.created', 'created'],
      ['action.updated', 'decision_made'],
      ['action.approved', 'approved'],
    ])
    expect(only.map((e) => e.event_type)).toEqual(['approved'])
    expect(only[0]!.data).toMatchObject({ id: a.id, status: 'approved' })
  })

  it('reconnects after the gateway restarts and resumes after the last seen event', async () => {
    const seen: FarameshEvent[] = []
    let opens = 0
    const o = opened()
    const close = c.onEvents((e) => seen.push(e), {
      onOpen: () => {
        opens++
        o.onOpen()
      },
    })
    await o.wait
    const before = await c.submitAction('http', 'get', {})
    await until(() => seen.some((e) => e.action_id === before.id))
    await gw.restart()
    const after = await c.submitAction('http', 'get', {})
    await until(() => seen.some((e) => e.action_id === after.id), 10000)
    close()
    expect(opens).toBeGreaterThanOrEqual(2)
    const ids = seen.map((e) => `${e.action_id}:${e.event_type}`)
    expect(new Set(ids).size).toBe(ids.length) // nothing delivered twice
  })

  it('streamEvents stops after N events', async () => {
    const got: FarameshEvent[] = []
    const o = opened()
    c.streamEvents((e) => got.push(e), { stopAfter: 2, onOpen: o.onOpen })
    await o.wait
    await c.submitAction('http', 'get', {})
    await c.submitAction('http', 'get', {})
    await new Promise((r) => setTimeout(r, 300))
    expect(got).toHaveLength(2)
  })

  it('tailEvents hands events to the callback and resolves when aborted', async () => {
    const got: string[] = []
    const ctl = new AbortController()
    const a = await c.submitAction('shell', 'deploy', {})
    const tail = c.tailEvents((e) => got.push(String(e.event_type)), a.id, { signal: ctl.signal })
    await new Promise((r) => setTimeout(r, 300))
    await c.denyAction(a.id)
    await until(() => got.includes('denied'))
    ctl.abort()
    await expect(tail).resolves.toBeUndefined()
  })

  it('tailEvents rejects when the stream cannot be opened', async () => {
    const dead = new ExecutionGovernorClient('http://127.0.0.1:9', { timeoutMs: 1000 })
    await expect(dead.tailEvents(() => undefined)).rejects.toThrow(/event stream/)
  })
})
