// A minimal SSE test client over real HTTP: collects parsed frames and comments until closed.
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
