// A pass of the SSE hub over its live clients: each client gets everything new in one write. Clients that took the
// previous pass stand at the same place and share one buffer per filter; a client behind them (its socket was full,
// or it joined behind the log's end) is written the logged frames themselves, a bounded amount per pass; a client
// whose socket is still full is skipped, and dropped once too far behind (sse-flow.ts).
import { filterKey, type SseFilter } from './sse-frames.js'
import type { SseFlow } from './sse-flow.js'
import type { FrameLog } from './sse-log.js'
import type { SseSink } from './sse-sinks.js'

const HEARTBEAT = Buffer.from(': heartbeat\n\n')
// Most a client behind the others is written in one pass: its frames go out as they are in the log (no copy), so
// what its socket has not taken yet stays small however far behind it is.
const CATCH_UP_BYTES = 256 * 1024

export class SseClient {
  /** Every event ≤ sentSeq has been written to this client, or did not pass its filter. */
  sentSeq = 0
  closed = false
  /** When the socket last took a write (or the client connected). */
  lastTaken = Date.now()
  /** Runs when the client goes away (a replay waiting for its socket stops waiting). */
  onClose: (() => void) | null = null
  readonly key: string
  constructor(
    readonly filter: SseFilter,
    readonly sink: SseSink,
    /** Called when a write has been taken by the socket. */
    readonly taken: () => void,
  ) {
    this.key = filterKey(filter)
  }
}

export interface PassContext {
  log: FrameLog
  flow: SseFlow
  /** Highest seq the hub has heard of. */
  known(): number
  drop(c: SseClient): void
}

export class Pass {
  /** Clients visited whose socket was full. */
  blocked = 0
  private i = 0
  private readonly chunks = new Map<string, Buffer | null>()

  constructor(
    private readonly ctx: PassContext,
    readonly clients: readonly SseClient[],
    /** Where the clients that took the previous pass stand. */
    readonly from: number,
    /** Last seq this pass delivers (the log's end when it started). */
    readonly head: number,
    private readonly beat: boolean,
  ) {}

  /** Visit clients until `deadline` (performance.now()); true once all have been visited. */
  run(deadline: number): boolean {
    while (this.i < this.clients.length) {
      this.visit(this.clients[this.i++]!)
      if (performance.now() > deadline) break
    }
    return this.i >= this.clients.length
  }

  private visit(c: SseClient): void {
    if (c.closed) return
    const { log, flow } = this.ctx
    if (c.sink.unsent() > 0) {
      // Its socket has not taken the last write: nothing more now, it keeps its place (its frames stay logged).
      this.blocked++
      if (flow.tooFar(this.ctx.known() - c.sentSeq, log.bytesAfter(c.sentSeq), c.lastTaken)) this.ctx.drop(c)
      return
    }
    if (c.sentSeq === this.from && this.from < this.head) {
      let chunk = this.chunks.get(c.key)
      if (chunk === undefined) {
        const { frames } = log.take(this.from, c.filter, c.key === '', Infinity)
        this.chunks.set(c.key, (chunk = frames.length ? Buffer.concat(frames) : null))
      }
      c.sentSeq = this.head
      if (chunk) return c.sink.write(chunk, c.taken)
    } else if (c.sentSeq < this.head) {
      const { frames, upTo } = log.take(c.sentSeq, c.filter, c.key === '', CATCH_UP_BYTES)
      c.sentSeq = Math.min(upTo, this.head)
      if (frames.length) return c.sink.writev(frames, c.taken)
    }
    if (this.beat) c.sink.write(HEARTBEAT, c.taken)
  }
}
