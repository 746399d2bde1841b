// Holding new submits back while the SSE fan-out is behind: a gateway whose clients cannot take the events as fast
// as they are written would otherwise have to buffer without bound or drop the clients. Each submit waits at most
// `maxWaitMs`, so clients that never catch up (or a crowd of deliberately slow ones) cost submits a bounded delay,
// fall further behind, and are dropped by the hub's own limit.
export class Admission {
  private waiters = new Set<() => void>()
  private behind = false

  constructor(private readonly maxWaitMs: number) {}

  /** Undefined to go ahead now; else a promise that resolves when the fan-out caught up, or after maxWaitMs. */
  wait(): Promise<void> | undefined {
    if (!this.behind) return undefined
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

  set(behind: boolean): void {
    this.behind = behind
    if (!behind) this.releaseAll()
  }

  get waiting(): number {
    return this.waiters.size
  }

  releaseAll(): void {
    for (const done of [...this.waiters]) done()
  }
}
