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

export function onEvents(c: CoreClient, handler: (event: FarameshEvent) => void, o: OnEventsOptions = {}): () => void {
  const ctl = new AbortController()
  const close = () => ctl.abort()
  if (o.signal?.aborted) return close
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
    let last: string | undefined
    let delay = 250
    while (!ctl.signal.aborted) {
      try {
        const s = await openStream(c.transport, { actionId: o.actionId, lastEventId: last, signal: ctl.signal })
        delay = 250
        o.onOpen?.()
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
      } catch (e) {
        if (ctl.signal.aborted) break
        report(e)
        if (e instanceof FarameshAuthError || e instanceof FarameshNotFoundError || e instanceof FarameshValidationError) break
      }
      if (o.reconnect === false) break
      await sleep(delay, ctl.signal).catch(() => undefined)
      delay = Math.min(delay * 2, 30000)
    }
    o.signal?.removeEventListener('abort', close)
    o.onClose?.()
  })()
  return close
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
