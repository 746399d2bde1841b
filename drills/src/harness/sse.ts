// An SSE reader for GET /v1/events, over the SDK's stream (its one SSE parser): collects frames so a drill can wait
// for particular events.
import type { StreamFrame } from '@faramesh/policy-core'
import { OperatorClient, openStream } from '@faramesh/sdk/operator'
import { DRILL_TOKEN } from './workspace.js'

export interface SseClient {
  readonly frames: StreamFrame[]
  /** Resolves once `predicate` holds over the frames received so far (checked on every frame). */
  waitFor(predicate: (frames: StreamFrame[]) => boolean, timeoutMs: number): Promise<void>
  close(): void
}

/** Connects to `url`'s event stream; rejects (with the SDK's typed error) when the gateway offers none. */
export async function openSse(url: string): Promise<SseClient> {
  const client = new OperatorClient({ baseUrl: url, token: DRILL_TOKEN, maxRetries: 0 })
  const stream = await openStream(client.transport)
  const frames: StreamFrame[] = []
  const waiters = new Set<() => void>()
  const pump = async (): Promise<void> => {
    for await (const frame of stream.frames) {
      frames.push(frame as StreamFrame)
      for (const w of waiters) w()
    }
  }
  pump().catch(() => {
    // the server went away: waitFor times out with what it has
  })
  return {
    frames,
    waitFor(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!predicate(frames)) return
          waiters.delete(check)
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(new Error(`SSE: condition not met after ${timeoutMs} ms (${frames.length} frames)`))
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
    close: () => stream.close(),
  }
}
