// The one `text/event-stream` parser of the repository (SDK streams and waits, the dashboard, the drills), WHATWG-
// conformant. EventSource cannot send an Authorization header, so streams are read with fetch() and parsed here.
// Not eventsource-parser: it adds 3.7 kB minified to an agent's bundle, over the 15 KiB budget of
// test/bundle-size.test.ts (measured with `pnpm --filter @faramesh/sdk exec vitest run test/bundle-size.test.ts`).

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
  // null until a data field arrives: a block without one dispatches nothing.
  let data: string[] | null = null
  let retry: number | null = null
  // A chunk may end between '\r' and '\n'; remember so the '\n' is not read as a second (empty) line.
  let skipLeadingLf = false

  function line(text: string): void {
    if (text === '') {
      if (data) onMessage({ id: lastEventId, event: event || 'message', data: data.join('\n'), retry })
      event = ''
      data = retry = null
      return
    }
    // A comment (heartbeat) has the empty field name, which no case below matches; unknown fields are ignored too.
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    const value = colon < 0 ? '' : text.slice(text.charCodeAt(colon + 1) === 32 ? colon + 2 : colon + 1)
    if (field === 'event') event = value
    else if (field === 'data') (data ??= []).push(value)
    else if (field === 'id' && !value.includes('\0')) lastEventId = value
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value)
  }

  return {
    feed(chunk: string) {
      buffer += chunk
      if (skipLeadingLf && buffer[0] === '\n') buffer = buffer.slice(1)
      skipLeadingLf = false
      let start = 0
      for (let i = 0; i < buffer.length; i++) {
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
    },
    get lastEventId() {
      return lastEventId
    },
  }
}
