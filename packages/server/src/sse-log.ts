// The hub's log: rendered events after `floor`, in seq order, shared by every live client and trimmed as the
// slowest of them moves past. Each entry is a frame's bytes; a client's write is the entries after its position
// that pass its filter, built once per pass for every client at that position with that filter.
import { chunkOf, firstAfter, type SseEntry, type SseFilter } from './sse-frames.js'

export class FrameLog {
  private entries: SseEntry[] = []
  /** Events ≤ floor are not kept (every live client has them, or there was none). */
  floor = 0
  /** Highest seq appended (or skipped past). */
  rendered = 0

  get size(): number {
    return this.entries.length
  }

  append(entries: readonly SseEntry[], upTo: number): void {
    for (const e of entries) if (e.seq > this.rendered) this.entries.push(e)
    this.rendered = Math.max(this.rendered, upTo)
  }

  /** The frames after seq `after` that pass the filter (`all`: no filter), as one buffer; null when none. */
  chunk(after: number, filter: SseFilter, all: boolean): Buffer | null {
    return chunkOf(this.entries, firstAfter(this.entries, after), this.entries.length, filter, all)
  }

  /** Forget the events ≤ seq. */
  trim(seq: number): void {
    if (seq <= this.floor) return
    this.entries = this.entries.slice(firstAfter(this.entries, seq))
    this.floor = seq
  }

  /** Forget everything; the log starts after `seq`. */
  reset(seq: number): void {
    this.entries = []
    this.floor = this.rendered = Math.max(this.rendered, seq)
  }
}
