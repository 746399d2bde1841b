// Progress of one governed call. While the call is held the relay sends its own ticks 1, 2, 3…; once forwarded, the
// server's progress is shifted past the last tick, so the client sees values that keep increasing (the spec's MUST,
// basic/utilities/progress.mdx) and its timeout, reset on progress, never fires because of us.
export interface ProgressValue {
  progress: number
  total?: number
}

export class ProgressLine {
  private ticks = 0
  private last = Number.NEGATIVE_INFINITY

  /** The next value of a hold tick. */
  tick(): number {
    this.ticks += 1
    this.last = Math.max(this.last, this.ticks)
    return this.ticks
  }

  get ticked(): number {
    return this.ticks
  }

  /**
   * The server's progress as the client must see it, or null to drop it: a value that would not increase (the
   * server repeated or went back) is dropped rather than passed on, so the line stays strictly increasing.
   */
  shift(p: ProgressValue): ProgressValue | null {
    if (typeof p.progress !== 'number' || !Number.isFinite(p.progress)) return null
    // +1: a server's first progress is often 0, which must still land above the last tick.
    const offset = this.ticks === 0 ? 0 : this.ticks + 1
    const progress = p.progress + offset
    if (!(progress > this.last)) return null
    this.last = progress
    const out: ProgressValue = { progress }
    if (typeof p.total === 'number' && Number.isFinite(p.total)) out.total = p.total + offset
    return out
  }
}
