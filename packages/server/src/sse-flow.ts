// Flow control between the ledger's events and the SSE clients: when new submits wait, and when a client is dropped.
// A client whose socket is full is behind. One such client (or a few) is dropped once `maxQueue` events (or `maxBytes`
// of frames) behind: it cannot hold the others up. When a crowd is behind (at least CROWD_MIN clients and a CROWD share of them), the host
// or its network cannot carry the stream, which is no client's fault: submits wait for the clients (at most
// `maxWaitMs` each, so a crowd that never catches up costs a bounded delay), and a client is dropped only far
// behind (CROWD_LIMIT times the bounds) or when it took nothing for STALL_MS. Submits also wait while the hub's own
// passes are more than `highWater` events behind.
const CROWD = 0.25
const CROWD_MIN = 8
const CROWD_LIMIT = 8
const STALL_MS = 30_000

export class SseFlow {
  readonly highWater: number
  private blocked = 0
  private share = 0
  private holding = false
  private waiters = new Set<() => void>()

  constructor(
    private readonly maxQueue: number,
    private readonly maxBytes: number,
    private readonly maxWaitMs: number,
  ) {
    this.highWater = Math.max(16, Math.min(256, Math.floor(maxQueue / 4)))
  }

  private get crowdBehind(): boolean {
    return this.blocked >= CROWD_MIN && this.share > CROWD
  }

  /** After a pass over `clients`, `blocked` of which had full sockets; `backlog`: events not offered to all yet. */
  afterPass(blocked: number, clients: number, backlog: number): void {
    this.blocked = blocked
    this.share = clients ? blocked / clients : 0
    this.hold(backlog > this.highWater || this.crowdBehind)
  }

  /** A new event left `backlog` events not offered to every client yet. */
  onBacklog(backlog: number): void {
    if (backlog > this.highWater) this.hold(true)
  }

  /** No live client any more. */
  reset(): void {
    this.blocked = this.share = 0
    this.hold(false)
  }

  /** A client with a full socket, `behind` events (`bytes` of frames) behind, whose socket last took a write at `lastTaken`. */
  tooFar(behind: number, bytes: number, lastTaken: number): boolean {
    if (behind <= this.maxQueue && bytes <= this.maxBytes) return false
    if (!this.crowdBehind || Date.now() - lastTaken > STALL_MS) return true
    return behind > CROWD_LIMIT * this.maxQueue || bytes > CROWD_LIMIT * this.maxBytes
  }

  /** Undefined to submit now; else a promise that resolves when the clients caught up, or after maxWaitMs. */
  wait(): Promise<void> | undefined {
    if (!this.holding) return undefined
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.waiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, this.maxWaitMs)
      this.waiters.add(done)
    })
  }

  get waiting(): number {
    return this.waiters.size
  }

  releaseAll(): void {
    for (const done of [...this.waiters]) done()
  }

  private hold(on: boolean): void {
    this.holding = on
    if (!on) this.releaseAll()
  }
}
