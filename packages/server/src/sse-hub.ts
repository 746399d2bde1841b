// Fan-out of ledger events to SSE clients (GET /v1/events), built so that thousands of clients cost the request path
// little (packages/server/README.md § Live events (SSE), docs/benchmarks.md § SSE fan-out):
// - The change feed's callback only queues the event. The hub works later, after the answers of the commit that
//   produced it (fast-lane.ts queues those on setImmediate too), in slices of at most `sliceMs` between which the
//   event loop serves requests and sends their answers.
// - Each event is rendered once, as bytes (sse-frames.ts), into a log shared by every client (sse-log.ts). A pass
//   over the clients (sse-pass.ts) writes each one everything new in one write; clients with the same filter at the
//   same place get the same buffer.
// - A client whose socket has not taken its last write is skipped and keeps its place; once it is more than
//   `maxQueue` events (or `maxBytes` of frames) behind it is dropped and counted.
// - While the passes fall behind the events, or a crowd of clients is behind, new submits wait (sse-flow.ts).
// - A resuming client (Last-Event-ID) first reads its gap from the ledger page by page (sse-replay.ts).
import type { ChainEvent, Ledger } from '@faramesh/ledger'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics.js'
import { renderEvents, type SseFilter } from './sse-frames.js'
import { SseFlow } from './sse-flow.js'
import { FrameLog } from './sse-log.js'
import { Pass, SseClient, type PassContext } from './sse-pass.js'
import { replayGap } from './sse-replay.js'
import type { SseSink } from './sse-sinks.js'

export { frameText, type SseFilter } from './sse-frames.js'
export type { SseSink } from './sse-sinks.js'

export interface SseHubOptions {
  ledger: Ledger
  metrics: Metrics
  logger: Logger
  /** Events a client may fall behind while its socket is not taking what it was sent; then it is dropped. */
  maxQueue?: number
  /** The same bound in bytes of frames. */
  maxBytes?: number
  heartbeatMs?: number
  /**
   * Longest run of fan-out work before the event loop gets a turn, in ms (default 2: in pnpm bench's SSE round, 1 and
   * 2 ms gave about 1.4 times the submits of 4 ms, answers and new requests being handled sooner between slices).
   */
  sliceMs?: number
  /** Longest a submit waits for the fan-out to catch up, in ms. */
  maxAdmissionWaitMs?: number
}

// Events rendered between two looks at the clock: a burst of hundreds at once would hold the loop past a slice.
const RENDER_BATCH = 32

export function createSseHub(opts: SseHubOptions) {
  const { ledger, metrics, logger } = opts
  const maxQueue = opts.maxQueue ?? 4000
  const sliceMs = opts.sliceMs ?? 2
  const flow = new SseFlow(maxQueue, opts.maxBytes ?? 8 * 1024 * 1024, opts.maxAdmissionWaitMs ?? 1000)
  const clients = new Set<SseClient>()
  const live = new Set<SseClient>()
  const log = new FrameLog()
  let incoming: ChainEvent[] = []
  let toRender: ChainEvent[] = [] // taken from `incoming` for the next pass, rendered a batch at a time
  let renderFrom = 0 // the log's end before them
  let known = 0 // highest seq the feed delivered
  let offered = 0 // a finished pass offered every event ≤ offered to every live client
  let pass: Pass | null = null
  let scheduled = false
  let working = false
  let again = false
  let beatDue = false
  let unsubscribe: (() => void) | null = null
  // Resolves once the log's floor covers what the feed will not deliver: events committed before subscribing.
  let ready: Promise<void> | null = null

  const backlog = (): number => (live.size === 0 ? 0 : known - offered)

  // Between two slices of a pass, a timer: the thread sleeps a moment unless requests are waiting, and the kernel
  // (ksoftirqd) gets to send what the slice wrote. Writing on with setImmediate overflowed the loopback queue in
  // pnpm bench's SSE round (thousands of dropped packets and ten times the TCP retransmission timeouts per round,
  // the last frames arriving 1.7-2 s after the load instead of 0.3-0.4 s, same throughput). Otherwise two
  // setImmediate hops: answers queued during this loop turn (fast-lane.ts: a commit's submits, a decide read while
  // the last slice ran) go out first.
  function schedule(): void {
    if (scheduled) return
    scheduled = true
    if (pass) setTimeout(run, 0)
    else setImmediate(hop)
  }
  const run = (): void => void work()
  const hop = (): void => void setImmediate(run)

  /** A pass even without new events: a client is behind the log's end (it joined, or its socket drained). */
  function kick(): void {
    again = true
    schedule()
  }

  function onEvent(ev: ChainEvent): void {
    if (ev.seq <= known) return
    known = ev.seq
    if (live.size === 0) {
      log.reset(ev.seq)
      offered = ev.seq
      return
    }
    incoming.push(ev)
    flow.onBacklog(backlog())
    schedule()
  }

  async function startPass(start: number): Promise<Pass | null> {
    if (live.size === 0) return null
    if (incoming.length === 0 && toRender.length === 0 && !beatDue && !again) return null
    if (known - offered > 4 * maxQueue) {
      // Only events this process cannot hold back (other processes' writes, approvals, results) get here, faster
      // than it can deliver them: rather than holding them all, end the streams; the clients resume from the ledger.
      logger.warn('SSE fan-out fell behind, dropping its clients', {
        behind: known - offered,
        clients: live.size,
      })
      for (const c of [...live]) drop(c)
      return null
    }
    if (toRender.length === 0) {
      renderFrom = log.rendered
      toRender = incoming
      incoming = []
    }
    while (toRender.length > 0) {
      const batch = toRender.slice(0, RENDER_BATCH)
      try {
        log.append(await renderEvents(ledger, batch), batch[batch.length - 1]!.seq)
      } catch (err) {
        // Without the actions the frames cannot be built: end the streams; their clients resume with Last-Event-ID.
        logger.error('SSE fan-out could not read actions, closing streams', { error: String(err) })
        for (const c of [...live]) remove(c)
        return null
      }
      toRender = toRender.slice(batch.length)
      if (toRender.length > 0 && performance.now() - start > sliceMs) return null
    }
    const p = new Pass(ctx, [...live], renderFrom, log.rendered, beatDue)
    beatDue = again = false
    return p
  }

  function finish(p: Pass): void {
    offered = Math.max(offered, p.head)
    let min = log.rendered
    for (const c of live) {
      min = Math.min(min, c.sentSeq)
      // A client that joined during the pass, behind the log's end, needs another (a blocked one is called back).
      if (c.sentSeq < log.rendered && c.sink.unsent() === 0) again = true
    }
    log.trim(min)
    flow.afterPass(p.blocked, p.clients.length, backlog())
  }

  async function work(): Promise<void> {
    scheduled = false
    if (working) {
      again = true
      return
    }
    working = true
    try {
      const start = performance.now()
      pass ??= await startPass(start)
      const p = pass
      if (!p) return
      if (!p.run(start + sliceMs)) return
      pass = null
      finish(p)
    } catch (err) {
      logger.error('SSE fan-out failed', { error: String(err) })
      pass = null
    } finally {
      working = false
      if (pass || (live.size > 0 && (incoming.length > 0 || toRender.length > 0 || again))) schedule()
    }
  }

  function join(c: SseClient, cursor: number): void {
    if (live.size === 0) offered = Math.max(known, cursor)
    c.sentSeq = cursor
    live.add(c)
    if (cursor < log.rendered) kick()
  }

  function drop(c: SseClient): void {
    metrics.sseDropped.inc()
    logger.warn('dropping slow SSE client', { behind: known - c.sentSeq })
    remove(c)
  }

  function remove(c: SseClient): void {
    if (c.closed) return
    c.closed = true
    c.onClose?.()
    clients.delete(c)
    live.delete(c)
    metrics.sseClients.set(clients.size)
    c.sink.end()
    if (live.size === 0) {
      incoming = []
      toRender = []
      log.reset(known)
      offered = known
      flow.reset()
    }
    if (clients.size === 0 && unsubscribe) {
      unsubscribe()
      unsubscribe = null
      ready = null
    }
  }

  const heartbeat = setInterval(() => {
    if (live.size === 0) return
    beatDue = true
    schedule()
  }, opts.heartbeatMs ?? 15_000)
  heartbeat.unref()

  function subscribed(): Promise<void> {
    unsubscribe ??= ledger.subscribe(onEvent)
    // Any head read after subscribing will do: every later event comes through the feed.
    ready ??= ledger.head().then(
      // No client is live yet on a fresh subscription (they join after this), so nothing logged is needed.
      (h) => {
        if (live.size === 0) log.reset(h?.seq ?? 0)
      },
      (err: unknown) => {
        ready = null
        throw err
      },
    )
    return ready
  }

  const host = { ledger, logger, ready: subscribed, floor: () => log.floor, join, remove }
  const ctx: PassContext = { log, flow, known: () => known, drop }

  return {
    /** Connected clients, replaying or live. */
    get size(): number {
      return clients.size
    },
    /** Register a client: every event after `afterSeq` (default: the head), then every new one. */
    connect(sink: SseSink, filter: SseFilter, afterSeq?: number): { close(): void } {
      const c: SseClient = new SseClient(filter, sink, () => {
        c.lastTaken = Date.now()
        if (!c.closed && c.sentSeq < log.rendered) kick()
      })
      clients.add(c)
      metrics.sseClients.set(clients.size)
      void replayGap(host, c, afterSeq)
      return { close: () => remove(c) }
    },
    /** For the actions service: undefined to submit now, else a promise to wait for first. */
    admission: (): Promise<void> | undefined => flow.wait(),
    /** What the hub holds and how far behind it is. */
    stats() {
      let unsentBytes = 0
      for (const c of clients) unsentBytes += c.sink.unsent()
      return {
        clients: clients.size,
        replaying: clients.size - live.size,
        logged: log.size,
        backlog: backlog(),
        waitingSubmits: flow.waiting,
        unsentBytes,
      }
    },
    close(): void {
      clearInterval(heartbeat)
      for (const c of [...clients]) remove(c)
      flow.releaseAll()
    },
  }
}

export type SseHub = ReturnType<typeof createSseHub>
