// Fan-out of ledger events to SSE clients (GET /v1/events), built so that thousands of clients cost the request path
// little (packages/server/README.md § Benchmark has the figures):
// - The change feed's callback only queues the event. The work runs later on setImmediate, after the answers of the
//   commit that produced it (fast-lane.ts queues those on setImmediate too), in slices of at most `sliceMs`
//   between which the event loop serves requests.
// - Each event is rendered once, as bytes (sse-frames.ts); clients with the same filter at the same position get one
//   shared buffer. A pass over the clients writes each of them everything new in one write.
// - A client whose socket has not taken its last write is skipped (it keeps its place, its frames stay in the log);
//   once it is more than `maxQueue` events behind it is dropped and counted. Memory is the log of rendered events
//   since the slowest client's position, shared by all.
// - When a pass cannot keep up with the events, submits wait for it (`admission`, used by the actions service)
//   rather than the log growing or clients being dropped: the clients get every event, the decide route and
//   reads stay responsive, and submits slow down to what the fan-out can deliver.
// - A client that resumes (Last-Event-ID) first reads the gap from the ledger page by page, each page written and
//   taken by its socket before the next is read (sse-replay.ts), then joins the passes where the log covers it.
import type { ChainEvent, Ledger } from '@faramesh/ledger'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics.js'
import { chunkOf, filterKey, firstAfter, renderEvents, type SseEntry, type SseFilter } from './sse-frames.js'
import { replayGap, type ReplayHost } from './sse-replay.js'
import type { SseSink } from './sse-sinks.js'

export { frameText, type SseFilter } from './sse-frames.js'
export type { SseSink } from './sse-sinks.js'

export interface SseHubOptions {
  ledger: Ledger
  metrics: Metrics
  logger: Logger
  /** Events a client may fall behind while its socket is not taking what it was sent; then it is dropped. */
  maxQueue?: number
  heartbeatMs?: number
  /** Longest run of fan-out work before the event loop gets a turn, in ms. */
  sliceMs?: number
}

const CONNECTED = Buffer.from('retry: 3000\n: connected\n\n')
const HEARTBEAT = Buffer.from(': heartbeat\n\n')

export class SseClient {
  /** Every event ≤ sentSeq has been written to this client, or did not pass its filter. */
  sentSeq = 0
  closed = false
  /** Runs when the client goes away (a replay waiting for its socket stops waiting). */
  onClose: (() => void) | null = null
  readonly key: string
  constructor(
    readonly filter: SseFilter,
    readonly sink: SseSink,
    readonly drained: () => void,
  ) {
    this.key = filterKey(filter)
  }
}

interface Pass {
  clients: SseClient[]
  i: number
  /** Last seq this pass delivers; the log holds nothing newer while it runs. */
  head: number
  chunks: Map<string, Buffer | null>
  beat: boolean
}

export function createSseHub(opts: SseHubOptions) {
  const { ledger, metrics, logger } = opts
  const maxQueue = opts.maxQueue ?? 1000
  const sliceMs = opts.sliceMs ?? 4
  // Backlog (events the passes have not offered to every client yet) above which submits wait.
  const highWater = Math.max(16, Math.min(256, Math.floor(maxQueue / 4)))
  const clients = new Set<SseClient>()
  const live = new Set<SseClient>()
  let log: SseEntry[] = [] // rendered events after `floor`, ascending
  let floor = 0 // events ≤ floor are not kept: every live client has them (or there was none)
  let incoming: ChainEvent[] = []
  let known = 0 // highest seq the feed delivered
  let rendered = 0 // highest seq in the log
  let offered = 0 // a finished pass offered every event ≤ offered to every live client
  let pass: Pass | null = null
  let scheduled = false
  let working = false
  let again = false
  let beatDue = false
  let waiters: Array<() => void> = []
  let unsubscribe: (() => void) | null = null
  // Resolves once `floor` covers what the feed will not deliver: events committed before the subscription.
  let ready: Promise<void> | null = null

  const backlog = (): number => (live.size === 0 ? 0 : known - offered)
  const release = (): void => {
    if (waiters.length === 0 || backlog() > highWater) return
    const w = waiters
    waiters = []
    for (const f of w) f()
  }

  function schedule(afterAnswers: boolean): void {
    if (scheduled) return
    scheduled = true
    const run = (): void => void work()
    setImmediate(afterAnswers ? () => setImmediate(run) : run)
  }

  /** A pass even without new events: a client is behind the log's end (it joined, or its socket drained). */
  function kick(): void {
    again = true
    schedule(false)
  }

  function onEvent(ev: ChainEvent): void {
    if (ev.seq <= known) return
    known = ev.seq
    if (live.size === 0) {
      floor = offered = rendered = ev.seq
      return
    }
    incoming.push(ev)
    schedule(true)
  }

  async function startPass(): Promise<Pass | null> {
    if (live.size === 0 || (incoming.length === 0 && !beatDue && !again)) return null
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
    if (incoming.length > 0) {
      const events = incoming
      incoming = []
      try {
        for (const e of await renderEvents(ledger, events)) if (e.seq > rendered) log.push(e)
      } catch (err) {
        // Without the actions the frames cannot be built: end the streams; their clients resume with Last-Event-ID.
        logger.error('SSE fan-out could not read actions, closing streams', { error: String(err) })
        for (const c of [...live]) remove(c)
        return null
      }
      rendered = Math.max(rendered, events[events.length - 1]!.seq)
    }
    const p: Pass = { clients: [...live], i: 0, head: rendered, chunks: new Map(), beat: beatDue }
    beatDue = again = false
    return p
  }

  function visit(c: SseClient, p: Pass): void {
    if (c.closed) return
    if (c.sink.unsent() > 0) {
      // Its socket has not taken the last write: nothing more now, it keeps its place (and its frames stay logged).
      if (known - c.sentSeq > maxQueue) drop(c)
      return
    }
    if (c.sentSeq < p.head) {
      const key = `${c.key}\0${c.sentSeq}`
      let chunk = p.chunks.get(key)
      if (chunk === undefined) {
        chunk = chunkOf(log, firstAfter(log, c.sentSeq), log.length, c.filter, c.key === '')
        p.chunks.set(key, chunk)
      }
      c.sentSeq = p.head
      if (chunk) return c.sink.write(chunk, c.drained)
    }
    if (p.beat) c.sink.write(HEARTBEAT, c.drained)
  }

  function finish(p: Pass): void {
    offered = Math.max(offered, p.head)
    let min = rendered
    for (const c of live) {
      min = Math.min(min, c.sentSeq)
      // A client that joined during the pass, behind the log's end, needs another (a blocked one is called back).
      if (c.sentSeq < rendered && c.sink.unsent() === 0) again = true
    }
    if (min > floor) {
      log = log.slice(firstAfter(log, min))
      floor = min
    }
    release()
  }

  async function work(): Promise<void> {
    scheduled = false
    if (working) {
      again = true
      return
    }
    working = true
    try {
      pass ??= await startPass()
      const p = pass
      if (!p) return
      const start = performance.now()
      while (p.i < p.clients.length) {
        visit(p.clients[p.i++]!, p)
        if (performance.now() - start > sliceMs) break
      }
      if (p.i < p.clients.length) return
      pass = null
      finish(p)
    } catch (err) {
      logger.error('SSE fan-out failed', { error: String(err) })
      pass = null
    } finally {
      working = false
      if (pass || (live.size > 0 && (incoming.length > 0 || again))) schedule(false)
    }
  }

  function join(c: SseClient, cursor: number): void {
    if (live.size === 0) offered = Math.max(known, cursor)
    c.sentSeq = cursor
    live.add(c)
    if (cursor < rendered) kick()
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
      log = []
      incoming = []
      floor = offered = rendered = known
      release()
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
    schedule(false)
  }, opts.heartbeatMs ?? 15_000)
  heartbeat.unref()

  function subscribed(): Promise<void> {
    unsubscribe ??= ledger.subscribe(onEvent)
    // Any head read after subscribing will do: every later event comes through the feed.
    ready ??= ledger.head().then(
      (h) => {
        floor = Math.max(floor, h?.seq ?? 0)
      },
      (err: unknown) => {
        ready = null
        throw err
      },
    )
    return ready
  }

  const host: ReplayHost = { ledger, ready: subscribed, floor: () => floor, join, remove, logger }

  return {
    /** Connected clients, replaying or live. */
    get size(): number {
      return clients.size
    },
    /** Events received but not yet offered to every live client (what `admission` keeps bounded). */
    get backlog(): number {
      return backlog()
    },
    /** Register a client: every event after `afterSeq` (default: the head), then every new one. */
    connect(sink: SseSink, filter: SseFilter, afterSeq?: number): { close(): void } {
      const c: SseClient = new SseClient(filter, sink, () => {
        if (!c.closed && c.sentSeq < rendered) kick()
      })
      clients.add(c)
      metrics.sseClients.set(clients.size)
      sink.write(CONNECTED)
      void replayGap(host, c, afterSeq)
      return { close: () => remove(c) }
    },
    /** Undefined while the fan-out keeps up; otherwise resolves once it has caught up enough to take more events. */
    admission: (): Promise<void> | undefined => {
      if (backlog() <= highWater) return undefined
      return new Promise((r) => waiters.push(r))
    },
    /** What the hub holds: clients (all, and replaying), logged events, bytes written but not yet taken by sockets. */
    stats(): { clients: number; replaying: number; logged: number; unsentBytes: number } {
      let unsentBytes = 0
      for (const c of clients) unsentBytes += c.sink.unsent()
      return { clients: clients.size, replaying: clients.size - live.size, logged: log.length, unsentBytes }
    },
    close(): void {
      clearInterval(heartbeat)
      for (const c of [...clients]) remove(c)
      waiters.splice(0).forEach((f) => f())
    },
  }
}

export type SseHub = ReturnType<typeof createSseHub>
