// Live updates over GET /v1/events, through the SDK's subscription (fetch instead of EventSource, which cannot send
// the Authorization header). Reconnects with backoff and resumes with Last-Event-ID (the ledger seq), so a dropped
// connection loses nothing; a silent one (no byte, not even a heartbeat, for idleTimeoutMs) counts as dropped.
import type { StreamFrame } from '@faramesh/policy-core'
import { FarameshAuthError } from '@faramesh/sdk'
import { OperatorClient } from '@faramesh/sdk/operator'

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
  const client = new OperatorClient({
    baseUrl: opts.url.replace(/\/v1\/events$/, ''),
    getToken: opts.getToken,
    // A stream is never served from the HTTP cache.
    fetch: (url, init) => doFetch(url, { ...init, cache: 'no-store' }),
  })
  const sub = client.subscribe((frame) => (isStreamFrame(frame) ? opts.onFrame(frame) : undefined), {
    ...(opts.lastEventId ? { lastEventId: opts.lastEventId } : {}),
    idleTimeoutMs: opts.idleTimeoutMs ?? 45_000,
    maxBackoffMs: opts.maxBackoffMs ?? 10_000,
    onConnecting: (attempt) => opts.onStatus(attempt === 0 ? 'connecting' : 'reconnecting'),
    onOpen: () => opts.onStatus('live'),
    // A token the gateway refuses will not become valid by retrying: stop and say so.
    onError: (err) => (err instanceof FarameshAuthError ? opts.onStatus('unauthorized') : undefined),
    onReconnect: () => opts.onStatus('reconnecting'),
  })
  return {
    close: () => sub.close(),
    get lastEventId() {
      return sub.lastEventId
    },
  }
}
