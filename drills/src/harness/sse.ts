// A minimal SSE reader for GET /v1/events: collects frames so a drill can wait for particular events.
import type { StreamFrame } from '@faramesh/policy-core'
import { DRILL_TOKEN } from './workspace.js'

export interface SseClient {
  readonly frames: StreamFrame[]
  /** Resolves once `predicate` holds over the frames received so far (checked on every frame). */
  waitFor(predicate: (frames: StreamFrame[]) => boolean, timeoutMs: number): Promise<void>
  close(): void
}

export async function openSse(url: string): Promise<SseClient> {
  const ctrl = new AbortController()
  const res = await fetch(`${url}/v1/events`, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${DRILL_TOKEN}` },
    signal: ctrl.signal,
  })
  if (res.status !== 200 || !res.body) throw new Error(`GET /v1/events → ${res.status}`)
  const frames: StreamFrame[] = []
  const waiters = new Set<() => void>()
  const decoder = new TextDecoder()
  let buf = ''
  const pump = async (): Promise<void> => {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true })
      let end: number
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, end)
        buf = buf.slice(end + 2)
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n')
        if (data) frames.push(JSON.parse(data) as StreamFrame)
      }
      for (const w of waiters) w()
    }
  }
  pump().catch(() => {
    // aborted by close(), or the server went away: waitFor times out with what it has
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
    close: () => ctrl.abort(),
  }
}
