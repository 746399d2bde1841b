// A gateway (or anything between it and the client) writes the stream: its `retry:` must not make a subscription
// hammer it, and a message that never ends must neither be buffered without bound nor leave its connection open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OperatorClient } from './operator.js'
import { startFixture, type Fixture } from '../test/http-fixture.js'

let fx: Fixture
beforeAll(async () => {
  fx = await startFixture()
})
afterAll(() => fx.close())

/** Every connection gets one frame carrying `retry`, then the stream ends; returns the waits the client chose. */
async function waitsFor(retry: string, o: { maxBackoffMs?: number } = {}): Promise<number[]> {
  fx.handle((_q, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.end(`retry: ${retry}\nid: 1\ndata: {"event_type":"x"}\n\n`)
  })
  const waits: number[] = []
  const c = new OperatorClient({ baseUrl: fx.url })
  await new Promise<void>((resolve) => {
    const sub = c.subscribe(() => {}, {
      ...o,
      onReconnect: (ms) => {
        waits.push(ms)
        if (waits.length === 3) {
          sub.close()
          resolve()
        }
      },
    })
  })
  return waits
}

describe('the server retry: field', () => {
  it('is kept when it is reasonable (the gateway sends 3000)', async () => {
    expect(await waitsFor('300')).toEqual([300, 300, 300])
  })

  it('cannot make reconnects faster than the back-off floor (retry: 0)', async () => {
    const waits = await waitsFor('0')
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(250)
  })

  it('cannot exceed maxBackoffMs (a huge retry overflowed setTimeout into a 1 ms reconnect loop)', async () => {
    const waits = await waitsFor('99999999999', { maxBackoffMs: 400 })
    expect(waits).toEqual([400, 400, 400])
  })
})

describe('a message that never ends', () => {
  it('breaks the connection off (closed on the wire) and reports it', async () => {
    let closed!: () => void
    const wireClosed = new Promise<void>((r) => (closed = r))
    const chunk = 'x'.repeat(1024 * 1024)
    fx.handle((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write('data: ')
      // 1 MiB at a time for as long as the client reads: 64 MiB would take the client past any sane buffer.
      let sent = 0
      const pump = (): void => {
        while (sent < 64 && res.write(chunk)) sent++
        if (sent < 64) res.once('drain', pump)
      }
      res.on('close', () => closed())
      pump()
    })
    const c = new OperatorClient({ baseUrl: fx.url })
    const error = await new Promise<Error>((resolve) => {
      const sub = c.subscribe(() => {}, {
        reconnect: false,
        onError: (e) => {
          sub.close()
          resolve(e)
        },
      })
    })
    expect(error.message).toMatch(/SSE overflow/)
    await wireClosed
  })
})
