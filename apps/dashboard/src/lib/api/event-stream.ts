// Live updates over GET /v1/events. fetch() + ReadableStream instead of EventSource, because EventSource cannot
// send the Authorization header. Reconnects with backoff and resumes with Last-Event-ID (the ledger seq), so a
// dropped connection loses nothing.
import type { StreamFrame } from '@faramesh/policy-core'
import { createSseParser } from '../sse-parser.js'

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'unauthorized'

export interface EventStreamOptions {
  url: string
  getToken: () => string | null
  onFrame: (frame: StreamFrame) => void
  onStatus: (status: StreamStatus) => void
  /** Resume point; the stream only sends events after it. */
  lastEventId?: string
  fetch?: typeof fetch
  /** No byte (not even a heartbeat) for this long means the connection is dead. */
  idleTimeoutMs?: number
  maxBackoffMs?: number
}

export interface EventStream {
  close(): void
  readonly lastEventId: string
}

export function isStreamFrame(value: unknown): value is StreamFrame {
  if (!value || typeof value !== 'object') return false
  const f = value as Partial<StreamFrame>
  return typeof f.action_id === 'string' && typeof f.event_type === 'string' && !!f.data && typeof f.data === 'object'
}

export function connectEventStream(opts: EventStreamOptions): EventStream {
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis)
  const idleTimeoutMs = opts.idleTimeoutMs ?? 45_000
  const maxBackoffMs = opts.maxBackoffMs ?? 10_000
  let lastEventId = opts.lastEventId ?? ''
  let closed = false
  let attempt = 0
  let serverRetry: number | null = null
  let controller: AbortController | null = null
  let timer: ReturnType<typeof setTimeout> | null = null

  async function run(): Promise<void> {
    controller = new AbortController()
    const ctrl = controller
    let idle: ReturnType<typeof setTimeout> | null = null
    const armIdle = () => {
      if (idle) clearTimeout(idle)
      idle = setTimeout(() => ctrl.abort(), idleTimeoutMs)
    }
    opts.onStatus(attempt === 0 ? 'connecting' : 'reconnecting')
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream' }
      const token = opts.getToken()
      if (token) headers.Authorization = `Bearer ${token}`
      if (lastEventId) headers['Last-Event-ID'] = lastEventId
      armIdle()
      const res = await doFetch(opts.url, { headers, signal: ctrl.signal, cache: 'no-store' })
      if (res.status === 401 || res.status === 403) {
        opts.onStatus('unauthorized')
        closed = true
        return
      }
      if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`)
      attempt = 0
      opts.onStatus('live')
      const parser = createSseParser((msg) => {
        if (msg.retry !== null) serverRetry = msg.retry
        if (msg.id) lastEventId = msg.id
        let parsed: unknown
        try {
          parsed = JSON.parse(msg.data)
        } catch {
          return // a frame we cannot read must not stop the stream
        }
        if (isStreamFrame(parsed)) opts.onFrame(parsed)
      }, lastEventId)
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        armIdle()
        parser.feed(value)
      }
    } catch {
      // network error, idle abort or close(): handled below
    } finally {
      if (idle) clearTimeout(idle)
    }
    if (closed) return
    attempt++
    opts.onStatus('reconnecting')
    const backoff = serverRetry ?? Math.min(maxBackoffMs, 500 * 2 ** Math.min(attempt - 1, 5))
    timer = setTimeout(() => void run(), backoff)
  }

  void run()
  return {
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      controller?.abort()
    },
    get lastEventId() {
      return lastEventId
    },
  }
}
