// A WHATWG-conformant `text/event-stream` parser. EventSource cannot send an Authorization header, so when a token
// is set the dashboard streams with fetch() and parses the bytes itself.

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
  let data: string[] = []
  let hasData = false
  let retry: number | null = null
  // A chunk may end between '\r' and '\n'; remember so the '\n' is not read as a second (empty) line.
  let skipLeadingLf = false

  function dispatch(): void {
    if (hasData) {
      onMessage({ id: lastEventId, event: event || 'message', data: data.join('\n'), retry })
    }
    event = ''
    data = []
    hasData = false
    retry = null
  }

  function line(text: string): void {
    if (text === '') return dispatch()
    if (text.startsWith(':')) return // comment / heartbeat
    const colon = text.indexOf(':')
    const field = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    switch (field) {
      case 'event':
        event = value
        break
      case 'data':
        data.push(value)
        hasData = true
        break
      case 'id':
        if (!value.includes('\0')) lastEventId = value
        break
      case 'retry':
        if (/^\d+$/.test(value)) retry = Number(value)
        break
      default:
        break // unknown fields are ignored by the spec
    }
  }

  return {
    feed(chunk: string) {
      buffer += chunk
      if (skipLeadingLf && buffer.startsWith('\n')) buffer = buffer.slice(1)
      skipLeadingLf = false
      let start = 0
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i)
        if (c !== 10 && c !== 13) continue
        line(buffer.slice(start, i))
        if (c === 13) {
          if (i + 1 < buffer.length) {
            if (buffer.charCodeAt(i + 1) === 10) i++
          } else {
            skipLeadingLf = true
          }
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
