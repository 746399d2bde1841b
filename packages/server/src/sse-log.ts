// The hub's log: rendered events after `floor`, in seq order, shared by every live client and trimmed as the
// slowest of them moves past. It counts the bytes of its frames, so a client can be held to a bound in bytes as
// well as in events.
import { firstAfter, matches, type SseEntry, type SseFilter } from './sse-frames.js'

export class FrameLog {
  private entries: SseEntry[] = []
  /** Bytes of the frames up to and including entries[i], counted from the first frame ever appended. */
  private ends: number[] = []
  /** The same count for the frames trimmed away. */
  private base = 0
  /** Events ≤ floor are not kept (every live client has them, or there was none). */
  floor = 0
  /** Highest seq appended (or skipped past). */
  rendered = 0

  get size(): number {
    return this.entries.length
  }

  append(entries: readonly SseEntry[], upTo: number): void {
    for (const e of entries) {
      if (e.seq <= this.rendered) continue
      this.ends.push(this.end() + e.frame.length)
      this.entries.push(e)
    }
    this.rendered = Math.max(this.rendered, upTo)
  }

  /** Bytes of the frames after seq `after`. */
  bytesAfter(after: number): number {
    const i = firstAfter(this.entries, after)
    return this.end() - (i === 0 ? this.base : this.ends[i - 1]!)
  }

  /**
   * The frames after seq `after` that pass the filter (`all`: no filter), stopping once they reach `maxBytes` (one at
   * least), and the seq they cover up to: the log's end when nothing was left out.
   */
  take(after: number, filter: SseFilter, all: boolean, maxBytes: number): { frames: Buffer[]; upTo: number } {
    const frames: Buffer[] = []
    let bytes = 0
    for (let i = firstAfter(this.entries, after); i < this.entries.length; i++) {
      const e = this.entries[i]!
      if (!all && !matches(filter, e)) continue
      if (bytes >= maxBytes) return { frames, upTo: this.entries[i - 1]!.seq }
      frames.push(e.frame)
      bytes += e.frame.length
    }
    return { frames, upTo: this.rendered }
  }

  /** Forget the events ≤ seq. */
  trim(seq: number): void {
    if (seq <= this.floor) return
    const i = firstAfter(this.entries, seq)
    if (i > 0) this.base = this.ends[i - 1]!
    this.entries = this.entries.slice(i)
    this.ends = this.ends.slice(i)
    this.floor = seq
  }

  /** Forget everything; the log starts after `seq`. */
  reset(seq: number): void {
    this.entries = []
    this.ends = []
    this.base = 0
    this.floor = this.rendered = Math.max(this.rendered, seq)
  }

  private end(): number {
    return this.ends.length ? this.ends[this.ends.length - 1]! : this.base
  }
}
