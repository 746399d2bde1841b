import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { call, eventually, makeApp, type TestApp } from './helpers.js'
import { listen } from './serve.js'
import { openSse } from './sse-client.js'

let t: TestApp
let srv: Awaited<ReturnType<typeof listen>>
afterEach(async () => {
  await srv.close()
  await t.close()
})

async function setup(config: Parameters<typeof makeApp>[0] = {}) {
  t = await makeApp(config)
  srv = await listen(t.app)
}
const submit = (tool: string, params: object = {}) =>
  call(t.app, 'POST', '/v1/actions', { agent_id: 'sse', tool, operation: tool === 'http' ? 'get' : 'run', params })

describe('SSE /v1/events', () => {
  it('streams one frame per event with id = seq and both spellings of the type', async () => {
    await setup()
    const s = await openSse(`${srv.url}/v1/events`)
    expect(s.status).toBe(200)
    const a = (await submit('shell', { cmd: 'ls' })).body
    await call(t.app, 'POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: true })
    const frames = await s.waitFor(3)
    s.close()
    const events = await t.ledger.getEvents(a.id)
    expect(frames.map((f) => Number(f.id))).toEqual(events.map((e) => e.seq))
    const data = frames.map((f) => JSON.parse(f.data))
    expect(data.map((d) => [d.type, d.event_type])).toEqual([
      ['action.created', 'created'],
      ['action.updated', 'decision_made'],
      ['action.approved', 'approved'],
    ])
    expect(data[2]).toMatchObject({ action_id: a.id, seq: events[2]!.seq, data: { id: a.id, status: 'approved' } })
    expect(data[0].data.approval_token).toBeNull()
  })

  it('resumes with Last-Event-ID without losing or repeating anything', async () => {
    await setup()
    const first = await openSse(`${srv.url}/v1/events`)
    for (let i = 0; i < 3; i++) await submit('http')
    const got = await first.waitFor(6)
    first.close()
    const lastId = got[3]!.id! // pretend the client saw only 4 frames before it dropped
    for (let i = 0; i < 5; i++) await submit('http')
    const second = await openSse(`${srv.url}/v1/events`, { 'last-event-id': lastId })
    for (let i = 0; i < 2; i++) await submit('http') // live events after the resume
    const expected = (await t.ledger.readEvents(Number(lastId), 1000)).map((e) => e.seq)
    expect(expected).toHaveLength(2 + 10 + 4)
    const resumed = await second.waitFor(expected.length)
    second.close()
    expect(resumed.map((f) => Number(f.id))).toEqual(expected)
  })

  it('filters by tool and status', async () => {
    await setup()
    const s = await openSse(`${srv.url}/v1/events?tool=shell`)
    await submit('http')
    await submit('shell', { cmd: 'ls' })
    const frames = await s.waitFor(2)
    await new Promise((r) => setTimeout(r, 100))
    s.close()
    expect(s.frames).toHaveLength(2)
    expect(frames.every((f) => JSON.parse(f.data).data.tool === 'shell')).toBe(true)
  })

  it('sends heartbeats', async () => {
    await setup({ config: { sseHeartbeatMs: 100 } })
    const s = await openSse(`${srv.url}/v1/events`)
    await eventually(async () => s.comments.includes(' heartbeat') || s.comments.includes('heartbeat'), 3000)
    s.close()
  })

  it('rejects a malformed Last-Event-ID with 422', async () => {
    await setup()
    const r = await fetch(`${srv.url}/v1/events`, { headers: { 'last-event-id': 'abc' } })
    expect(r.status).toBe(422)
  })

  it('drops a client that stops reading instead of buffering without bound', async () => {
    await setup({ config: { sseMaxQueue: 50 } })
    const port = Number(new URL(srv.url).port)
    const sock = connect(port, '127.0.0.1')
    sock.write('GET /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n')
    sock.pause() // never read: the kernel buffers fill, then our queue
    await eventually(async () => t.app.hub.size === 1)
    const big = 'y'.repeat(16 * 1024)
    for (let i = 0; i < 300 && t.app.hub.size > 0; i++) {
      await submit('http', { blob: big, i })
    }
    await eventually(async () => t.app.hub.size === 0, 10_000)
    const text = await t.app.metrics.registry.getSingleMetricAsString('faramesh_sse_dropped_total')
    expect(text).toMatch(/faramesh_sse_dropped_total 1/)
    sock.destroy()
  }, 30_000)
})
