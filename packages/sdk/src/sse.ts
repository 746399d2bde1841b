// Server-sent events over fetch. EventSource cannot send an Authorization header and does not exist in Node 18,
// so the stream is read with fetch and parsed by sse-parser.ts.
import { errorFromResponse, FarameshConnectionError, FarameshTimeoutError } from './errors.js'
import type { Transport } from './transport.js'
import { createSseParser, type SseMessage as ParsedMessage } from './sse-parser.js'
import type { FarameshEvent } from './types.js'

export interface SseMessage {
  id?: string
  event?: string
  data: string
}

/** Messages of a text/event-stream body as the parser delivers them; `onChunk` sees every read (heartbeats too). */
async function* messages(body: ReadableStream<Uint8Array>, lastEventId?: string, onChunk?: (m: ParsedMessage[]) => void): AsyncGenerator<ParsedMessage> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const out: ParsedMessage[] = []
  const parser = createSseParser((m) => out.push(m), lastEventId)
  try {
    for (;;) {
      const { value, done } = await reader.read()
      parser.feed(done ? decoder.decode() : decoder.decode(value, { stream: true }))
      onChunk?.(out)
      yield* out.splice(0)
      if (done) return
    }
  } finally {
    reader.releaseLock()
  }
}

/** Parse a text/event-stream body into messages (`id` and `event` only when set); ends when the body ends. */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  for await (const m of messages(body)) yield { data: m.data, ...(m.id ? { id: m.id } : {}), ...(m.event !== 'message' ? { event: m.event } : {}) }
}

export interface FrameStream {
  /** Parsed frames; ends when the server closes the stream or `close()` is called. */
  frames: AsyncGenerator<FarameshEvent>
  /** The last `id:` seen (or the resume point), for `Last-Event-ID` on reconnect. */
  lastEventId(): string | undefined
  close(): void
}

/** Open `GET /v1/events` (optionally narrowed to one action). Rejects with a typed error if no stream is offered. */
export async function openStream(
  t: Transport,
  o: { actionId?: string; lastEventId?: string; signal?: AbortSignal; onChunk?: (messages: ParsedMessage[]) => void } = {},
): Promise<FrameStream> {
  o.signal?.throwIfAborted()
  const ctl = new AbortController()
  const onAbort = () => ctl.abort(o.signal?.reason)
  o.signal?.addEventListener('abort', onAbort, { once: true })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    ctl.abort()
  }, t.config.timeoutMs)
  const f = t.config.fetch ?? globalThis.fetch
  const extra: Record<string, string> = { accept: 'text/event-stream' }
  if (o.lastEventId) extra['last-event-id'] = o.lastEventId
  // Also ends the connection: however the stream ends (refused, broken, a consumer that stopped), a body nobody
  // reads would otherwise stay open with the peer.
  const cleanup = () => {
    o.signal?.removeEventListener('abort', onAbort)
    ctl.abort()
  }
  let res: Response
  try {
    res = await f(t.url('/v1/events', { action_id: o.actionId }), { headers: t.headers(extra), signal: ctl.signal })
  } catch (e) {
    cleanup()
    if (o.signal?.aborted) throw o.signal.reason
    throw timedOut
      ? new FarameshTimeoutError('Timed out opening the event stream', { cause: e })
      : new FarameshConnectionError(`Cannot open the event stream: ${(e as Error).message}`, { cause: e })
  } finally {
    clearTimeout(timer)
  }
  const type = res.headers.get('content-type') ?? ''
  if (!res.ok || !res.body || !type.includes('text/event-stream')) {
    cleanup()
    const text = await res.text().catch(() => '')
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON: keep the text as the detail
    }
    throw res.ok
      ? new FarameshConnectionError(`GET /v1/events answered ${type || 'no content type'}, not an event stream`)
      : errorFromResponse(res.status, body, 'GET /v1/events')
  }
  let last = o.lastEventId
  const body = res.body
  async function* frames(): AsyncGenerator<FarameshEvent> {
    try {
      for await (const m of messages(body, last, o.onChunk)) {
        last = m.id || last
        let frame: FarameshEvent
        try {
          frame = JSON.parse(m.data)
        } catch {
          continue // a keep-alive or foreign frame: not ours to interpret
        }
        if (frame && typeof frame === 'object') yield frame
      }
    } catch (e) {
      if (!ctl.signal.aborted) throw new FarameshConnectionError(`Event stream broke: ${(e as Error).message}`, { cause: e })
    } finally {
      cleanup()
    }
  }
  return { frames: frames(), lastEventId: () => last, close: cleanup }
}
