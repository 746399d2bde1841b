// Fan-out of ledger events to SSE clients. One ledger subscription feeds every client (so with Postgres every
// process streams events written by any process); each event's action is read once and shared. Each client has
// a bounded queue: a client that cannot keep up is dropped, never allowed to grow memory without bound. Resume
// with Last-Event-ID replays the gap from the ledger while live events wait in the (bounded) queue.
import type { ActionRecord, ChainEvent, Ledger } from '@faramesh/ledger'
import { toStreamFrame } from './action-view.js'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics.js'

export interface SseFilter {
  action_id?: string
  agent_id?: string
  tool?: string
  status?: string
  event_type?: string
}

export interface SseSink {
  /** Resolves when the chunk has been handed to the socket (backpressure). */
  write(chunk: string): Promise<unknown>
  close(): void
}

export interface SseHubOptions {
  ledger: Ledger
  metrics: Metrics
  logger: Logger
  /** Frames a client may have waiting before it is dropped. */
  maxQueue?: number
  heartbeatMs?: number
}

const REPLAY_BATCH = 500

class Client {
  queue: string[] = []
  live = false
  /** Highest seq queued so far; live events at or below it were already sent by the replay. */
  lastSeq: number
  closed = false
  private pumping = false
  constructor(
    readonly filter: SseFilter,
    readonly sink: SseSink,
    afterSeq: number,
    private readonly maxQueue: number,
    private readonly onDrop: (c: Client) => void,
  ) {
    this.lastSeq = afterSeq
  }

  matches(ev: ChainEvent, a: ActionRecord): boolean {
    const f = this.filter
    return (
      (!f.action_id || ev.action_id === f.action_id) &&
      (!f.event_type || ev.event_type === f.event_type) &&
      (!f.agent_id || a.agent_id === f.agent_id) &&
      (!f.tool || a.tool === f.tool) &&
      (!f.status || a.status === f.status)
    )
  }

  push(chunk: string): void {
    if (this.closed) return
    if (this.queue.length >= this.maxQueue) return this.onDrop(this)
    this.queue.push(chunk)
    if (!this.pumping) void this.pump()
  }

  private async pump(): Promise<void> {
    this.pumping = true
    try {
      while (!this.closed && this.queue.length > 0) await this.sink.write(this.queue.shift()!)
    } catch {
      this.close()
    } finally {
      this.pumping = false
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.queue = []
    this.sink.close()
  }
}

export const frameText = (ev: ChainEvent, a: ActionRecord): string =>
  `id: ${ev.seq}\ndata: ${JSON.stringify(toStreamFrame(ev, a))}\n\n`

export function createSseHub(opts: SseHubOptions) {
  const clients = new Set<Client>()
  const maxQueue = opts.maxQueue ?? 1000
  let chain: Promise<void> = Promise.resolve()
  let unsubscribe: (() => void) | null = null

  const drop = (c: Client): void => {
    opts.metrics.sseDropped.inc()
    opts.logger.warn('dropping slow SSE client', { queued: c.queue.length })
    remove(c)
  }
  const remove = (c: Client): void => {
    c.close()
    if (clients.delete(c)) opts.metrics.sseClients.set(clients.size)
    if (clients.size === 0 && unsubscribe) {
      unsubscribe()
      unsubscribe = null
    }
  }

  // Events are handled strictly in arrival order, so each client sees seq ascending.
  const onEvent = (ev: ChainEvent): void => {
    chain = chain.then(async () => {
      const targets = [...clients].filter((c) => !c.closed)
      if (targets.length === 0) return
      const action = await opts.ledger.getAction(ev.action_id)
      if (!action) return
      let text: string | null = null
      for (const c of targets) {
        if (!c.live || ev.seq <= c.lastSeq || !c.matches(ev, action)) continue
        c.lastSeq = ev.seq
        c.push((text ??= frameText(ev, action)))
      }
    }).catch((err: unknown) => opts.logger.error('SSE fan-out failed', { error: String(err) }))
  }

  const heartbeat = setInterval(() => {
    for (const c of clients) if (c.live && c.queue.length === 0) c.push(': heartbeat\n\n')
  }, opts.heartbeatMs ?? 15_000)
  heartbeat.unref()

  async function replay(c: Client): Promise<void> {
    for (;;) {
      const batch = await opts.ledger.readEvents(c.lastSeq, REPLAY_BATCH)
      const actions = new Map<string, ActionRecord | null>()
      for (const ev of batch) {
        if (c.closed) return
        if (!actions.has(ev.action_id)) actions.set(ev.action_id, await opts.ledger.getAction(ev.action_id))
        const a = actions.get(ev.action_id)
        if (ev.seq <= c.lastSeq) continue
        c.lastSeq = ev.seq
        if (a && c.matches(ev, a)) c.push(frameText(ev, a))
      }
      if (batch.length < REPLAY_BATCH) return
    }
  }

  return {
    get size(): number {
      return clients.size
    },
    /** Register a client; with `afterSeq` it first receives every event after that seq. */
    async connect(sink: SseSink, filter: SseFilter, afterSeq?: number): Promise<() => void> {
      unsubscribe ??= opts.ledger.subscribe(onEvent)
      const head = afterSeq ?? (await opts.ledger.head())?.seq ?? 0
      const c = new Client(filter, sink, head, maxQueue, drop)
      clients.add(c)
      opts.metrics.sseClients.set(clients.size)
      c.push('retry: 3000\n: connected\n\n')
      // Bulk of the gap first (outside the fan-out chain, so other clients are not held up) ...
      if (afterSeq !== undefined) await replay(c)
      // ... then the rest inside the chain: no live event is fanned out meanwhile, so nothing is missed, and
      // live events already covered by the replay are skipped by seq.
      const goLive = chain.then(async () => {
        await replay(c)
        c.live = true
      })
      chain = goLive.catch(() => undefined)
      await goLive
      return () => remove(c)
    },
    close(): void {
      clearInterval(heartbeat)
      for (const c of [...clients]) remove(c)
    },
  }
}

export type SseHub = ReturnType<typeof createSseHub>
