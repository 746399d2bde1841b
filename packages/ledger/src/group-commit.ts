// Group commit: callers that write at about the same time share one transaction (one fsync), and each is answered
// only after that transaction committed. Writes arriving while a batch runs form the next one. With `inFlight` 2
// (the SQLite write worker, which commits batches one after another in the order sent) the next batch is handed
// over while the previous one commits, so the caller's thread answers one batch while the writer commits the next.
export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown }

interface Pending<O, R> {
  op: O
  resolve: (r: R) => void
  reject: (e: unknown) => void
}

export class GroupCommit<O, R> {
  private queue: Array<Pending<O, R>> = []
  private running = 0
  private scheduled = false
  private idle: Array<() => void> = []

  constructor(
    private readonly run: (ops: O[]) => Promise<Array<BatchOutcome<R>>>,
    private readonly maxBatch = 512,
    private readonly inFlight = 1,
  ) {}

  submit(op: O): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve, reject })
      if (this.running < this.inFlight && !this.scheduled) {
        this.scheduled = true
        // setImmediate rather than a microtask: callers woken by the previous batch's answers all enqueue first.
        setImmediate(() => {
          this.scheduled = false
          this.dispatch()
        })
      }
    })
  }

  /** Resolves once every write submitted so far has been answered. */
  flushed(): Promise<void> {
    if (this.running === 0 && !this.scheduled && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  private dispatch(): void {
    while (this.queue.length > 0 && this.running < this.inFlight) void this.runBatch(this.queue.splice(0, this.maxBatch))
    if (this.running === 0 && !this.scheduled && this.queue.length === 0) for (const f of this.idle.splice(0)) f()
  }

  private async runBatch(batch: Array<Pending<O, R>>): Promise<void> {
    this.running++
    let outcomes: Array<BatchOutcome<R>>
    try {
      outcomes = await this.run(batch.map((p) => p.op))
    } catch (error) {
      outcomes = batch.map(() => ({ ok: false, error }))
    }
    batch.forEach((p, i) => {
      const o = outcomes[i] ?? { ok: false, error: new Error('no outcome for write') }
      if (o.ok) p.resolve(o.value)
      else p.reject(o.error)
    })
    this.running--
    this.dispatch()
  }
}
