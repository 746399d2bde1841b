import { describe, expect, it } from 'vitest'
import { parseSse, type SseMessage } from './sse.js'

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder()
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(enc.encode(ch))
      c.close()
    },
  })
}

async function collect(chunks: string[]): Promise<SseMessage[]> {
  const out: SseMessage[] = []
  for await (const m of parseSse(streamOf(chunks))) out.push(m)
  return out
}

describe('parseSse', () => {
  it('parses id and data, ignoring comments and keep-alives', async () => {
    expect(await collect([': ping\n\nid: 7\ndata: {"a":1}\n\n'])).toEqual([{ id: '7', data: '{"a":1}' }])
  })

  it('joins multi-line data and accepts CRLF and CR line ends', async () => {
    expect(await collect(['data: one\r\ndata: two\r\n\r\n', 'event: x\rdata:three\r\r'])).toEqual([
      { data: 'one\ntwo' },
      { event: 'x', data: 'three' },
    ])
  })

  it('reassembles messages split anywhere across chunks, including inside a UTF-8 character', async () => {
    const text = 'id: 1\ndata: {"w":"héllo"}\n\nid: 2\ndata: {"w":"😀"}\n\n'
    const bytes = new TextEncoder().encode(text)
    for (let cut = 1; cut < bytes.length; cut += 3) {
      const s = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes.slice(0, cut))
          c.enqueue(bytes.slice(cut))
          c.close()
        },
      })
      const got: SseMessage[] = []
      for await (const m of parseSse(s)) got.push(m)
      expect(got).toEqual([
        { id: '1', data: '{"w":"héllo"}' },
        { id: '2', data: '{"w":"😀"}' },
      ])
    }
  })

  it('drops a message that was cut off before its blank line', async () => {
    expect(await collect(['data: complete\n\ndata: partial'])).toEqual([{ data: 'complete' }])
  })
})
