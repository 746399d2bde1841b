// The one `text/event-stream` parser of the repository (SDK streams and waits, the dashboard, the drills), WHATWG-
// conformant. EventSource cannot send an Authorization header, so streams are read with fetch() and parsed here.
// Not eventsource-parser: it adds 3.7 kB minified to an agent's bundle, over the 15 KiB budget of
// test/bundle-size.test.ts (measured with `pnpm --filter @faramesh/sdk exec vitest run test/bundle-size.test.ts`).

/**
 * The longest message (a line, or a message's data lines together) a stream may send, in characters. The gateway's
 * largest frame carries an action whose params and result each came in a body of at most 1 MiB; anything past
 * this is a peer that never ends a line or a message, and the stream is broken off instead of buffered.
 */
const MAX = 16 * 1024 * 1024

export interface SseMessage {
  /** The last `id:` seen (it persists across messages, as the spec says); '' when none. */
  id: string
  event: string
  data: string
  retry: number | null
}

export interface SseParser {
  /** Feed the next decoded chunk; complete messages are delivered synchronously. */
  feed(chunk: string): void
  /** The id to send back as Last-Event-ID when reconnecting. */
  readonly lastEventId: string
}

export function createSseParser(onMessage: (message: SseMessage) => void, initialLastEventId = ''): SseParser {
  let buffer = ''
  let lastEventId = initialLastEventId
  let event = ''
  // null until a data field arrives: a block without one dispatches nothing. A string, not lines to join, so its
  // length is what the message holds so far (V8 concatenates without copying).
  let data: string | null = null
  // Characters at the start of buffer already known to hold no line end (scanned again they would make a long
  // line quadratic in its number of chunks).
  let scanned = 0
  let retry: number | null = null
  // A chunk may end between '\r' and '\n'; remember so the '\n' is not read as a second (empty) line.
  let skipLeadingLf = false

  function line(text: string): void {
    if (text === '') {
      if (data !== null) onMessage({ id: lastEventId, event: event || 'message', data, retry })
      event = ''
      data = retry = null
      return
    }
    // A comment (heartbeat) has the empty field name, which no case below matches; unknown fields are ignored too.
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    const value = colon < 0 ? '' : text.slice(text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1)
    if (field === 'event') event = value
    else if (field === 'data') data = data === null ? value : `${data}\n${value}`
    else if (field === 'id' && !value.includes('\0')) lastEventId = value
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value)
  }

  return {
    feed(chunk: string) {
      buffer += chunk
      // The '\n' of a '\r\n' split across chunks is skipped; then buffer held nothing before, so scanned is 0.
      let start = skipLeadingLf && buffer[0] === '\n' ? 1 : 0
      skipLeadingLf = false
      for (let i = scanned + start; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i)
        if (c !== 10 && c !== 13) continue
        line(buffer.slice(start, i))
        if (c === 13) {
          if (i + 1 === buffer.length) skipLeadingLf = true
          else if (buffer.charCodeAt(i + 1) === 10) i++
        }
        start = i + 1
      }
      buffer = buffer.slice(start)
      // Checked once per chunk: what one chunk adds is bounded by the chunk.
      if ((scanned = buffer.length) + (data?.length ?? 0) > MAX) throw Error('SSE overflow')
    },
    get lastEventId() {
      return lastEventId
    },
  }
}
