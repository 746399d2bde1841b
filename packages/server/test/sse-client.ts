// Minimal SSE test clients over real HTTP: collect parsed frames and comments until closed.
import { connect as netConnect } from 'node:net'
import { createParser, type EventSourceMessage } from 'eventsource-parser'

export interface SseConnection {
  status: number
  frames: EventSourceMessage[]
  comments: string[]
  /** Resolves once `n` frames have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<EventSourceMessage[]>
  close(): void
  ended: Promise<void>
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const ac = new AbortController()
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: ac.signal })
  const frames: EventSourceMessage[] = []
  const comments: string[] = []
  const parser = createParser({ onEvent: (e) => frames.push(e), onComment: (c) => comments.push(c) })
  const ended = (async () => {
    if (!res.body) return
    const decoder = new TextDecoder()
    try {
      for await (const chunk of res.body) parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }))
    } catch {
      // aborted
    }
  })()
  return {
    status: res.status,
    frames,
    comments,
    ended,
    async waitFor(n, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs
      while (frames.length < n) {
        if (Date.now() > end) throw new Error(`expected ${n} SSE frames, got ${frames.length}`)
        await new Promise((r) => setTimeout(r, 10))
      }
      return frames.slice(0, n)
    },
    close: () => ac.abort(),
  }
}

export interface SocketSse {
  frames: EventSourceMessage[]
  comments: string[]
  /** HTTP chunks the body came in: one per write the gateway made. */
  chunks: number
  /** The decoded body, as sent. */
  text(): string
  /** Resolves with the status once the response head arrived. */
  status: Promise<number>
  closed: Promise<void>
  isClosed(): boolean
  /** Stop / start reading the socket (the kernel buffers fill, then the gateway's). */
  pause(): void
  resume(): void
  close(): void
  waitFor(n: number, timeoutMs?: number): Promise<EventSourceMessage[]>
}

/**
 * An SSE client on a raw socket, for what fetch hides: the HTTP chunks (how many writes the gateway made), reading
 * that stops and starts, and a client whose socket is full.
 */
export function connectSse(url: string, headers: Record<string, string> = {}): SocketSse {
  const u = new URL(url)
  const socket = netConnect(Number(u.port), u.hostname)
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  socket.write(
    `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\n${extra}\r\n`,
  )
  const frames: EventSourceMessage[] = []
  const comments: string[] = []
  const parser = createParser({ onEvent: (e) => frames.push(e), onComment: (c) => comments.push(c) })
  const decoder = new TextDecoder()
  const body: string[] = []
  let buf: Buffer = Buffer.alloc(0)
  let inBody = false
  let chunks = 0
  let closed = false
  let setStatus!: (s: number) => void
  const status = new Promise<number>((r) => (setStatus = r))
  const ended = new Promise<void>((r) =>
    socket.on('close', () => {
      closed = true
      setStatus(0)
      r()
    }),
  )
  socket.on('error', () => undefined)
  socket.on('data', (d: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d
    if (!inBody) {
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      setStatus(Number(buf.subarray(9, 12).toString()))
      buf = buf.subarray(end + 4)
      inBody = true
    }
    // Chunked transfer encoding: `<hex size>\r\n<data>\r\n`, repeated.
    for (;;) {
      const eol = buf.indexOf('\r\n')
      if (eol < 0) return
      const size = parseInt(buf.subarray(0, eol).toString(), 16)
      if (buf.length < eol + 2 + size + 2) return
      const data = buf.subarray(eol + 2, eol + 2 + size)
      buf = buf.subarray(eol + 2 + size + 2)
      if (size === 0) return void socket.end()
      chunks++
      const text = decoder.decode(data, { stream: true })
      body.push(text)
      parser.feed(text)
    }
  })
  return {
    frames,
    comments,
    get chunks() {
      return chunks
    },
    text: () => body.join(''),
    status,
    closed: ended,
    isClosed: () => closed,
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    close: () => socket.destroy(),
    async waitFor(n, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs
      while (frames.length < n) {
        if (Date.now() > end) throw new Error(`expected ${n} SSE frames, got ${frames.length}`)
        await new Promise((r) => setTimeout(r, 10))
      }
      return frames.slice(0, n)
    },
  }
}
