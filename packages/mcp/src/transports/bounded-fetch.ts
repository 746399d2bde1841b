// A url upstream's answers, read with a bound. The SDK's HTTP client buffers a JSON answer (and an error body) whole
// and an SSE event until its blank line, with no limit: a compromised upstream answering without end would grow the
// gateway's memory until it dies, taking every session and held call with it. The same bound as a command child's
// line (16 MiB): over it, the body stream fails, the read is cancelled (the connection to the upstream is dropped)
// and the request in flight gets the SDK's error, which the relay answers with a JSON-RPC error.

/** Statuses whose Response may not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304])

export class UpstreamTooLarge extends Error {
  constructor(readonly maxBytes: number, what: string) {
    super(`the upstream's ${what} is over the limit of ${maxBytes} bytes`)
    this.name = 'UpstreamTooLarge'
  }
}

/** Counts a body's bytes: all of them (JSON, text), or those of each SSE event (reset at every blank line). */
function limiter(maxBytes: number, sse: boolean): TransformStream<Uint8Array, Uint8Array> {
  let total = 0
  // SSE: bytes of the event so far, bytes of its current line so far, and whether the last byte seen was a CR.
  let event = 0
  let line = 0
  let lastCR = false
  return new TransformStream({
    transform(chunk, controller) {
      if (!sse) {
        total += chunk.byteLength
        if (total > maxBytes) return controller.error(new UpstreamTooLarge(maxBytes, 'answer'))
        return controller.enqueue(chunk)
      }
      let start = 0
      for (;;) {
        const nl = chunk.indexOf(10, start)
        const end = nl === -1 ? chunk.length : nl
        const seg = end - start
        line += seg
        event += seg
        if (event > maxBytes) return controller.error(new UpstreamTooLarge(maxBytes, 'SSE event'))
        if (seg > 0) lastCR = chunk[end - 1] === 13
        if (nl === -1) break
        // An empty line (LF or CRLF) ends the event.
        if (line === 0 || (line === 1 && lastCR)) event = 0
        else event++
        line = 0
        lastCR = false
        start = nl + 1
      }
      controller.enqueue(chunk)
    },
  })
}

/** `base` with every response body bounded by `maxBytes` (per event for text/event-stream). */
export function boundedFetch(maxBytes: number, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const res = await base(input, init)
    if (!res.body || NULL_BODY.has(res.status)) return res
    const sse = (res.headers.get('content-type') ?? '').toLowerCase().includes('text/event-stream')
    const out = new Response(res.body.pipeThrough(limiter(maxBytes, sse)), {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    })
    // The SDK reads these for redirects; a constructed Response has neither.
    Object.defineProperty(out, 'url', { value: res.url })
    Object.defineProperty(out, 'redirected', { value: res.redirected })
    return out
  }
}
