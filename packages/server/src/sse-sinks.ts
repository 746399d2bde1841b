// Where an SSE client's bytes go. Under Node (the gateway, @hono/node-server) straight into the ServerResponse: one
// write per client per fan-out pass, with no web stream, promise or copy per write. Elsewhere (app.request() in
// tests, other runtimes) into a ReadableStream the runtime drains.
import type { ServerResponse } from 'node:http'

export interface SseSink {
  /** Hand the bytes to the transport now; `done` runs once the transport has taken them (or the stream is gone). */
  write(chunk: Uint8Array, done?: () => void): void
  /** write() for several buffers at once (one system call, no copy). */
  writev(chunks: readonly Uint8Array[], done?: () => void): void
  /** Bytes written that the transport has not taken yet: more than 0 means the client is not keeping up. */
  unsent(): number
  end(): void
}

export function nodeResponseSink(res: ServerResponse): SseSink {
  const writev = (chunks: readonly Uint8Array[], done?: () => void): void => {
    const socket = res.socket
    if (!socket || res.writableEnded || res.destroyed) return done?.()
    // res.write alone corks the socket until the next tick, so every client's write would leave in one burst after
    // the fan-out's time slice. Corked here, the writes leave together in this call and the slice's clock sees
    // their cost.
    socket.cork()
    const last = chunks.length - 1
    for (let i = 0; i < last; i++) res.write(chunks[i])
    res.write(chunks[last]!, done && (() => done()))
    socket.uncork()
  }
  return {
    write: (chunk, done) => writev([chunk], done),
    writev,
    unsent: () => res.writableLength,
    end: () => {
      if (!res.writableEnded) res.end()
    },
  }
}

/** A sink and the body to answer with; `onCancel` runs when the reader goes away. */
export function webStreamSink(onCancel: () => void): { sink: SseSink; body: ReadableStream<Uint8Array> } {
  let ctrl!: ReadableStreamDefaultController<Uint8Array>
  let ended = false
  let waiting: Array<() => void> = []
  const release = (): void => {
    const w = waiting
    waiting = []
    for (const f of w) f()
  }
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => {
        ctrl = c
      },
      // Called when the reader wants more and the queue is empty: everything written so far was taken.
      pull: release,
      cancel: () => {
        ended = true
        release()
        onCancel()
      },
    },
    { highWaterMark: 0, size: (c) => c.byteLength },
  )
  const writev = (chunks: readonly Uint8Array[], done?: () => void): void => {
    if (ended) return done?.()
    for (const c of chunks) ctrl.enqueue(c)
    if (done) waiting.push(done)
  }
  return {
    body,
    sink: {
      write: (chunk, done) => writev([chunk], done),
      writev,
      unsent: () => (ended ? 0 : Math.max(0, -(ctrl.desiredSize ?? 0))),
      end() {
        if (ended) return
        ended = true
        release()
        ctrl.close()
      },
    },
  }
}
