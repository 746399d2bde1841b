// Group commit: callers that write at about the same time share one transaction (one fsync), and each is answered
// only after that transaction committed. One batch runs at a time per ledger; writes arriving meanwhile form the next.
export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown }

interface Pending<O, R> {
  op: O
  resolve: (r: R) => void
  reject: (e: unknown) => void
}

export class GroupCommit<O, R> {
  private queue: Array<Pending<O, R>> = []
  private running = false
  private scheduled = false
  private idle: Array<() => void> = []

  constructor(
    private readonly run: (ops: O[]) => Promise<Array<BatchOutcome<R>>>,
    private readonly maxBatch = 512,
  ) {}

  submit(op: O): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ op, resolve, reject })
      if (!this.running && !this.scheduled) {
        this.scheduled = true
        // setImmediate rather than a microtask: callers woken by the previous batch's answers all enqueue first.
        setImmediate(() => void this.drain())
      }
    })
  }

  /** Resolves once every write submitted so far has been answered. */
  flushed(): Promise<void> {
    if (!this.running && !this.scheduled && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  private async drain(): Promise<void> {
    this.scheduled = false
    this.running = true
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch)
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
    }
    this.running = false
    for (const f of this.idle.splice(0)) f()
  }
}
