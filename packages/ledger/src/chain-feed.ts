// The change feed: subscribers get every committed event once, in seq order, whether this process or another one
// wrote it. Local commits are delivered straight from the batch; anything else is read back from the store.
import { toChainEvent, type StoredEvent } from './hash-chain.js'
import type { LedgerStore } from './store.js'
import type { ChainEvent } from './types.js'

export class ChainFeed {
  private listeners = new Set<(e: ChainEvent) => void>()
  private delivered: number
  private pumping: Promise<void> | null = null
  private again = false
  private unwatch: (() => void) | null = null

  constructor(
    private readonly store: LedgerStore,
    headSeq: number,
  ) {
    this.delivered = headSeq
  }

  subscribe(listener: (e: ChainEvent) => void): () => void {
    if (this.listeners.size === 0 && !this.unwatch) this.unwatch = this.store.watchExternal(() => this.pump())
    this.listeners.add(listener)
    return () => {
      this.listeners.delete(listener)
    }
  }

  /** Events this process just committed (any order). */
  committed(events: StoredEvent[]): void {
    if (this.listeners.size === 0) {
      this.delivered = Math.max(this.delivered, ...events.map((e) => e.seq))
      return
    }
    const sorted = [...events].sort((a, b) => a.seq - b.seq)
    if (!this.pumping && sorted[0]!.seq === this.delivered + 1 && isContiguous(sorted)) this.emit(sorted)
    else this.pump()
  }

  close(): void {
    this.unwatch?.()
    this.unwatch = null
    this.listeners.clear()
  }

  private pump(): void {
    if (this.pumping) {
      this.again = true
      return
    }
    this.pumping = (async () => {
      do {
        this.again = false
        for (;;) {
          const page = await this.store.readEvents(this.delivered, 1000).catch(() => [] as StoredEvent[])
          if (page.length === 0) break
          this.emit(page)
        }
      } while (this.again)
    })().finally(() => {
      this.pumping = null
    })
  }

  private emit(events: StoredEvent[]): void {
    for (const e of events) {
      if (e.seq <= this.delivered) continue
      this.delivered = e.seq
      const ce = toChainEvent(e)
      for (const l of this.listeners) {
        try {
          l(ce)
        } catch {
          // A failing subscriber must not stop the others or the writer.
        }
      }
    }
  }
}

function isContiguous(sorted: StoredEvent[]): boolean {
  return sorted.every((e, i) => i === 0 || e.seq === sorted[i - 1]!.seq + 1)
}
