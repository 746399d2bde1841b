import { describe, expect, it } from 'vitest'
import { sendCompleteSseAtOnce } from './sse-answer.js'

const enc = new TextEncoder()
const event = (data: unknown): Uint8Array => enc.encode(`event: message\ndata: ${JSON.stringify(data)}\n\n`)
const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'mcp-session-id': 's1' }

/** An SSE Response whose stream the test drives, as the SDK's transport does (enqueue, close, cancel). */
function sdkStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let cancelled: unknown = null
  const body = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c
    },
    cancel: (reason) => {
      cancelled = reason ?? 'cancelled'
    },
  })
  return { res: new Response(body, { status: 200, headers: SSE_HEADERS }), controller, cancelled: () => cancelled }
}

async function readAll(res: Response): Promise<string> {
  return new TextDecoder().decode(await res.arrayBuffer())
}

describe('sendCompleteSseAtOnce', () => {
  it('a stream that already holds its answer and is closed goes out as one body: same bytes and headers, a Content-Length', async () => {
    const s = sdkStream()
    const answer = { jsonrpc: '2.0', id: 3, result: { content: [{ type: 'text', text: 'é' }] } }
    s.controller.enqueue(event(answer))
    s.controller.close()
    const out = await sendCompleteSseAtOnce(s.res, 1000)
    expect(out.headers.get('content-type')).toBe('text/event-stream')
    expect(out.headers.get('mcp-session-id')).toBe('s1')
    const text = await readAll(out)
    expect(text).toBe(`event: message\ndata: ${JSON.stringify(answer)}\n\n`)
    // The body is a byte array (not a stream): the node adapter answers it with a Content-Length in one write.
    expect(out.body).not.toBeNull()
  })

  it('several events already there and a closed stream: all of them, in order, in one body', async () => {
    const s = sdkStream()
    s.controller.enqueue(event({ jsonrpc: '2.0', method: 'notifications/progress', params: { progress: 1 } }))
    s.controller.enqueue(event({ jsonrpc: '2.0', id: 1, result: {} }))
    s.controller.close()
    const text = await readAll(await sendCompleteSseAtOnce(s.res, 1000))
    expect(text.indexOf('notifications/progress')).toBeGreaterThan(-1)
    expect(text.indexOf('notifications/progress')).toBeLessThan(text.indexOf('"id":1'))
  })

  it('an event while the stream stays open (progress of a held call) goes out at once, streamed; later events follow', async () => {
    const s = sdkStream()
    const progress = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 't', progress: 1 } }
    s.controller.enqueue(event(progress))
    const t0 = performance.now()
    const out = await sendCompleteSseAtOnce(s.res, 10_000)
    expect(performance.now() - t0).toBeLessThan(1000)
    const reader = out.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toContain('notifications/progress')
    s.controller.enqueue(event({ jsonrpc: '2.0', id: 7, result: {} }))
    s.controller.close()
    const second = await reader.read()
    expect(new TextDecoder().decode(second.value)).toContain('"id":7')
    expect((await reader.read()).done).toBe(true)
  })

  it('nothing on the stream for waitMs (a held call without progress): headers go out, the answer follows when it comes', async () => {
    const s = sdkStream()
    const t0 = performance.now()
    const out = await sendCompleteSseAtOnce(s.res, 50)
    const waited = performance.now() - t0
    expect(waited).toBeGreaterThanOrEqual(45)
    expect(waited).toBeLessThan(1000)
    expect(out.headers.get('content-type')).toBe('text/event-stream')
    setTimeout(() => {
      s.controller.enqueue(event({ jsonrpc: '2.0', id: 9, result: { ok: true } }))
      s.controller.close()
    }, 20)
    expect(await readAll(out)).toContain('"id":9')
  })

  it("a client that drops the streamed answer cancels the SDK's stream", async () => {
    const s = sdkStream()
    const out = await sendCompleteSseAtOnce(s.res, 10)
    await out.body!.cancel('client went away')
    expect(s.cancelled()).toBe('client went away')
  })

  it('leaves other answers alone: JSON, 202, an error status', async () => {
    const json = new Response('{"jsonrpc":"2.0","id":1,"result":{}}', { status: 200, headers: { 'Content-Type': 'application/json' } })
    expect(await sendCompleteSseAtOnce(json, 10)).toBe(json)
    const accepted = new Response(null, { status: 202 })
    expect(await sendCompleteSseAtOnce(accepted, 10)).toBe(accepted)
    const refused = new Response('{}', { status: 404, headers: { 'Content-Type': 'text/event-stream' } })
    expect(await sendCompleteSseAtOnce(refused, 10)).toBe(refused)
  })
})
