// Waiting for an action to reach a state: the SSE stream when the gateway offers it to this caller, polling
// otherwise (agent tokens may not stream, proxies may buffer). Both paths share one deadline.
import type { Action } from '@faramesh/policy-core'
import type { FarameshError } from './errors.js'
import { openStream } from './sse.js'
import { sleep, type Transport } from './transport.js'
import type { CallOptions } from './types.js'

export interface WaitSpec {
  timeoutMs: number
  pollIntervalMs: number
  signal?: AbortSignal
  /** Build the error thrown when the deadline passes (gets the last action seen). */
  onTimeout: (last: Action | undefined) => FarameshError
}

type Get = (id: string, o: CallOptions) => Promise<Action>

export async function waitFor(t: Transport, get: Get, id: string, done: (a: Action) => boolean, w: WaitSpec): Promise<Action> {
  w.signal?.throwIfAborted()
  const ctl = new AbortController()
  const onAbort = () => ctl.abort(w.signal?.reason)
  w.signal?.addEventListener('abort', onAbort, { once: true })
  const timer = setTimeout(() => ctl.abort(), w.timeoutMs)
  const signal = ctl.signal
  let last: Action | undefined
  try {
    if (t.config.sse) {
      const stream = await openStream(t, { actionId: id, signal }).catch(() => undefined)
      if (stream) {
        try {
          // Read the action only once subscribed, so a transition between the two cannot be missed.
          last = await get(id, { signal })
          if (done(last)) return last
          for await (const frame of stream.frames) {
            const a = frame.data as Action | undefined
            if (frame.action_id !== id || !a || typeof a.status !== 'string') continue
            last = a
            if (done(a)) return await get(id, { signal })
          }
        } catch (e) {
          if (signal.aborted) throw e
          // The stream broke: carry on by polling until the deadline.
        } finally {
          stream.close()
        }
      }
    }
    for (;;) {
      last = await get(id, { signal })
      if (done(last)) return last
      await sleep(w.pollIntervalMs, signal)
    }
  } catch (e) {
    if (w.signal?.aborted) throw w.signal.reason
    if (signal.aborted) throw w.onTimeout(last)
    throw e
  } finally {
    clearTimeout(timer)
    w.signal?.removeEventListener('abort', onAbort)
  }
}
