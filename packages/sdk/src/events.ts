// Live events: `onEvents` keeps a subscription open (reconnecting with Last-Event-ID after a drop);
// `streamEvents` and `tailEvents` are the original SDK's shapes on top of it.
import type { CoreClient } from './core-client.js'
import { FarameshAuthError, FarameshNotFoundError, FarameshValidationError } from './errors.js'
import { openStream } from './sse.js'
import { sleep } from './transport.js'
import type { FarameshEvent } from './types.js'

export interface OnEventsOptions {
  eventTypes?: string[]
  actionId?: string
  signal?: AbortSignal
  /** Reconnect after the stream drops (default true). */
  reconnect?: boolean
  /** Called each time the stream is (re)connected. */
  onOpen?: () => void
  /** Called when the stream fails; a permanent failure (auth, not found) ends the subscription. */
  onError?: (error: Error) => void
  /** Called once when the subscription has ended (closed, aborted, or given up). */
  onClose?: () => void
}

export interface SubscribeOptions extends OnEventsOptions {
  /** Resume after this event id (sent as Last-Event-ID on the first connection too). */
  lastEventId?: string
  /** No byte (not even a heartbeat) for this long, or no answer to the request, means the connection is dead. */
  idleTimeoutMs?: number
  /** Longest wait between reconnects (default 30000); the server's `retry:` is followed within the back-off and this bound. */
  maxBackoffMs?: number
  /** Called before each connection attempt (0 for the first). */
  onConnecting?: (attempt: number) => void
  /** Called when a connection has ended and another will be tried after `delayMs`. */
  onReconnect?: (delayMs: number) => void
}

export interface EventSubscription {
  close: () => void
  /** The id to resume from (the last one seen, else the starting point); '' before any. */
  readonly lastEventId: string
}

/** Follow the event stream, reconnecting with Last-Event-ID after a drop, until closed or a permanent failure. */
export function subscribeEvents(c: CoreClient, handler: (event: FarameshEvent) => void, o: SubscribeOptions = {}): EventSubscription {
  const ctl = new AbortController()
  const close = () => ctl.abort()
  let last = o.lastEventId
  const sub = {
    close,
    get lastEventId() {
      return last ?? ''
    },
  }
  if (o.signal?.aborted) return sub
  o.signal?.addEventListener('abort', close, { once: true })
  const report = (e: unknown) => {
    for (const f of [o.onError, c.config.onError])
      try {
        f?.(e as Error)
      } catch {
        // observers must not end the subscription
      }
  }
  void (async () => {
    let delay = 250
    let retry: number | undefined
    for (let attempt = 0; !ctl.signal.aborted; attempt++) {
      // One controller per connection: closing the subscription aborts it, and so does silence (idleTimeoutMs).
      const conn = new AbortController()
      const drop = () => conn.abort()
      ctl.signal.addEventListener('abort', drop, { once: true })
      let idle: ReturnType<typeof setTimeout> | undefined
      const arm = () => {
        clearTimeout(idle)
        if (o.idleTimeoutMs) idle = setTimeout(drop, o.idleTimeoutMs)
      }
      const onChunk = (ms: Array<{ retry: number | null }>) => {
        arm()
        for (const m of ms) retry = m.retry ?? retry
      }
      try {
        o.onConnecting?.(attempt)
        arm()
        const s = await openStream(c.transport, { actionId: o.actionId, lastEventId: last, signal: conn.signal, onChunk })
        delay = 250
        o.onOpen?.()
        try {
          for await (const ev of s.frames) {
            last = s.lastEventId() ?? last
            if (o.actionId && ev.action_id !== o.actionId) continue
            // Either spelling matches: `approved` (event_type) or `action.approved` (type).
            if (o.eventTypes && !o.eventTypes.some((t) => t === ev.event_type || t === ev.type)) continue
            try {
              handler(ev)
            } catch (e) {
              report(e)
            }
          }
        } finally {
          // Ids of frames not handed out (unreadable ones) count too.
          last = s.lastEventId() ?? last
        }
      } catch (e) {
        if (ctl.signal.aborted) break
        // A connection dropped for silence is not an error: it is simply tried again.
        if (!conn.signal.aborted) {
          report(e)
          if (e instanceof FarameshAuthError || e instanceof FarameshNotFoundError || e instanceof FarameshValidationError) break
        }
      } finally {
        clearTimeout(idle)
        ctl.signal.removeEventListener('abort', drop)
      }
      if (o.reconnect === false || ctl.signal.aborted) break
      // The server's retry: is a wish, not an order: never faster than the back-off (retry: 0 from a broken proxy
      // must not make every client reconnect in a loop) and never past maxBackoffMs (a huge value overflowed
      // setTimeout, which then fires after 1 ms: the same loop).
      const wait = Math.min(Math.max(retry ?? 0, delay), o.maxBackoffMs ?? 30000)
      o.onReconnect?.(wait)
      await sleep(wait, ctl.signal).catch(() => undefined)
      delay = Math.min(delay * 2, o.maxBackoffMs ?? 30000)
    }
    o.signal?.removeEventListener('abort', close)
    o.onClose?.()
  })()
  return sub
}

export function onEvents(c: CoreClient, handler: (event: FarameshEvent) => void, o: OnEventsOptions = {}): () => void {
  return subscribeEvents(c, handler, o).close
}

export interface StreamEventsOptions extends OnEventsOptions {
  /** Close after this many events. */
  stopAfter?: number
  /** Close after this long. */
  timeoutMs?: number
}

export function streamEvents(c: CoreClient, handler: (event: FarameshEvent) => void, o: StreamEventsOptions = {}): () => void {
  let n = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const stop = () => {
    clearTimeout(timer)
    close()
  }
  const close = onEvents(
    c,
    (ev) => {
      if (o.stopAfter && n >= o.stopAfter) return
      handler(ev)
      if (o.stopAfter && ++n >= o.stopAfter) stop()
    },
    o,
  )
  if (o.timeoutMs) timer = setTimeout(stop, o.timeoutMs)
  return stop
}

/**
 * Print (or hand to `callback`) every event until the stream ends or `signal` aborts (then it resolves).
 * Rejects on a connection failure, as the original did.
 */
export function tailEvents(
  c: CoreClient,
  callback: (event: FarameshEvent) => void = (e) => console.log(`Event: ${e.event_type ?? e.type ?? 'unknown'} - ${e.action_id ?? 'N/A'}`),
  actionId?: string,
  o: { signal?: AbortSignal } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const close = onEvents(c, callback, {
      actionId,
      signal: o.signal,
      reconnect: false,
      onError: (e) => {
        close()
        reject(e)
      },
      onClose: resolve,
    })
  })
}
