import { describe, expect, it } from 'vitest'
import { createSseParser, type SseMessage } from './sse-parser.js'

function parse(chunks: string[], initial = ''): { messages: SseMessage[]; last: string } {
  const messages: SseMessage[] = []
  const p = createSseParser((m) => messages.push(m), initial)
  for (const c of chunks) p.feed(c)
  return { messages, last: p.lastEventId }
}

describe('createSseParser', () => {
  it('parses id, event and data fields and dispatches on a blank line', () => {
    const { messages } = parse(['id: 7\nevent: update\ndata: {"a":1}\n\n'])
    expect(messages).toEqual([{ id: '7', event: 'update', data: '{"a":1}', retry: null }])
  })

  it('joins multi-line data with newlines and defaults the event name to message', () => {
    const { messages } = parse(['data: one\ndata: two\n\n'])
    expect(messages).toEqual([{ id: '', event: 'message', data: 'one\ntwo', retry: null }])
  })

  it('reassembles a frame split at any byte boundary', () => {
    const text = 'id: 12\ndata: {"seq":12,"x":"héllo"}\n\n'
    for (let cut = 1; cut < text.length; cut++) {
      const { messages } = parse([text.slice(0, cut), text.slice(cut)])
      expect(messages.map((m) => m.data)).toEqual(['{"seq":12,"x":"héllo"}'])
    }
  })

  it('accepts CRLF and lone CR line endings, even when CR and LF arrive in different chunks', () => {
    expect(parse(['data: a\r\n\r\n']).messages.map((m) => m.data)).toEqual(['a'])
    expect(parse(['data: b\r\r']).messages.map((m) => m.data)).toEqual(['b'])
    const split = parse(['data: c\r', '\n', 'data: d\r', '\n\r\n'])
    expect(split.messages.map((m) => m.data)).toEqual(['c\nd'])
  })

  it('ignores comments (heartbeats) and unknown fields, and does not dispatch frames without data', () => {
    const { messages } = parse([': ping\n\nfoo: bar\n\nid: 3\n\n'])
    expect(messages).toEqual([])
  })

  it('keeps the last id across messages and for Last-Event-ID, starting from the resume point', () => {
    const { messages, last } = parse(['data: a\n\nid: 9\ndata: b\n\ndata: c\n\n'], '4')
    expect(messages.map((m) => m.id)).toEqual(['4', '9', '9'])
    expect(last).toBe('9')
  })

  it('reads retry only when it is all digits, and strips just one leading space', () => {
    const { messages } = parse(['retry: 2500\ndata:  x\n\nretry: soon\ndata:y\n\n'])
    expect(messages.map((m) => [m.retry, m.data])).toEqual([
      [2500, ' x'],
      [null, 'y'],
    ])
  })

  it('refuses ids containing NUL, keeping the previous one', () => {
    const { last } = parse(['id: 5\ndata: a\n\nid: 6\u0000\ndata: b\n\n'])
    expect(last).toBe('5')
  })
})
