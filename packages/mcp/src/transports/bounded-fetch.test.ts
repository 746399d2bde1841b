import { describe, expect, it } from 'vitest'
import { boundedFetch, UpstreamTooLarge } from './bounded-fetch.js'

const enc = new TextEncoder()
/** A fetch answering with these chunks under this content type. */
const serving = (type: string, chunks: string[], status = 200): typeof fetch =>
  (async () =>
    new Response(
      new ReadableStream({
        start(c) {
          for (const t of chunks) c.enqueue(enc.encode(t))
          c.close()
        },
      }),
      { status, headers: { 'content-type': type } },
    ))

const read = (f: typeof fetch) => f('http://upstream.test/mcp').then((r) => r.text())

describe('boundedFetch', () => {
  it('passes a JSON answer up to the bound, fails one over it', async () => {
    await expect(read(boundedFetch(10, serving('application/json', ['12345', '67890'])))).resolves.toBe('1234567890')
    await expect(read(boundedFetch(10, serving('application/json', ['12345', '678901'])))).rejects.toBeInstanceOf(UpstreamTooLarge)
  })

  it('bounds error bodies too (the SDK puts them in its error text)', async () => {
    await expect(read(boundedFetch(4, serving('text/plain', ['12345'], 500)))).rejects.toBeInstanceOf(UpstreamTooLarge)
  })

  it('bounds each SSE event, not the stream: many small events pass, whatever the line endings', async () => {
    const events = Array.from({ length: 50 }, (_, i) => (i % 2 ? `data: ${i}\r\n\r\n` : `data: ${i}\n\n`))
    const text = await read(boundedFetch(16, serving('text/event-stream', events)))
    expect(text).toBe(events.join(''))
  })

  it('fails an SSE event over the bound, also when its lines come in separate chunks', async () => {
    const big = ['data: 0123', '456789\n', 'data: abc\n', '\n']
    await expect(read(boundedFetch(20, serving('text/event-stream', big)))).rejects.toBeInstanceOf(UpstreamTooLarge)
    await expect(read(boundedFetch(40, serving('text/event-stream', big)))).resolves.toBe(big.join(''))
    // An event never ended by a blank line grows until the bound.
    const endless = Array.from({ length: 10 }, () => 'data: xxxxxxxx\n')
    await expect(read(boundedFetch(64, serving('text/event-stream', endless)))).rejects.toBeInstanceOf(UpstreamTooLarge)
  })

  it('leaves bodiless answers and their url alone', async () => {
    const f = boundedFetch(4, (async () => new Response(null, { status: 204 })))
    expect((await f('http://upstream.test/')).status).toBe(204)
  })
})
