// The SDK's transport answers every POST that carries a request with an SSE stream, so that progress and server →
// client requests sent during the call reach the client. Most calls send nothing but their answer: then the stream
// is complete as soon as it has its first event, and streaming it costs the gateway three socket writes (headers,
// the event, the closing chunk) where one would do — a third of its CPU per call under 16 concurrent callers
// (`node bench/http-gateway.bench.mjs` with --cpu-prof, 2026-12-08). Here a stream that is already complete is sent
// as one body with a Content-Length: the same Content-Type, the same events, byte for byte. A stream still open
// after an event, or with nothing in it after `waitMs`, is streamed as before, the events read so far first: no
// message is held back or dropped, and headers of a call that waits (a hold) still go out within `waitMs`.

const LATE = Symbol('late')
const OPEN = Symbol('open')

type Read = { done: false; value: Uint8Array } | { done: true; value?: undefined }

export async function sendCompleteSseAtOnce(res: Response, waitMs: number): Promise<Response> {
  if (res.status !== 200 || res.body === null) return res
  if (!(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return res
  const reader = res.body.getReader()
  const firstRead = reader.read()
  let timer: ReturnType<typeof setTimeout> | undefined
  const first = await Promise.race([
    firstRead,
    new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(resolve, waitMs, LATE)
    }),
  ])
  clearTimeout(timer)
  if (first === LATE) return streamed(res, reader, [firstRead])
  const chunks: Uint8Array[] = []
  let read: Read = first
  // Take what the stream already holds; stop at the first read that would wait. A stream the SDK has closed
  // answers its reads at once (the promise is already settled and wins the race against the OPEN marker).
  for (;;) {
    if (read.done) return complete(res, chunks)
    chunks.push(read.value)
    const next = reader.read()
    const now = await Promise.race([next, Promise.resolve(OPEN)])
    if (now === OPEN) return streamed(res, reader, [...chunks.map(settled), next])
    read = now
  }
}

const settled = (value: Uint8Array): Promise<Read> => Promise.resolve({ done: false, value })

function complete(res: Response, chunks: Uint8Array[]): Response {
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
  const headers = new Headers(res.headers)
  headers.delete('content-length')
  return new Response(body, { status: res.status, statusText: res.statusText, headers })
}

/** The rest of the stream after `pending` (reads already made, in order); cancelling it cancels the SDK's stream. */
function streamed(
  res: Response,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  pending: Array<Promise<Read>>,
): Response {
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await (pending.shift() ?? reader.read())
      if (r.done) controller.close()
      else controller.enqueue(r.value)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  })
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers })
}
