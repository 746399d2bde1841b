// A client's way into the live stream: the events it missed (Last-Event-ID), read from the ledger a page at a time,
// then the hub's passes. Each page is written and taken by the client's socket before the next page is read, so a
// replay holds one page in memory however far behind the client is and however slowly it reads; a slow reader is
// never dropped for it. The seam: the client joins the passes only where the hub's log covers every event after
// the last one it replayed (cursor ≥ floor), in the same synchronous step as the check, so nothing falls between
// the replay and the live events and nothing comes twice (the passes send only events after the cursor).
import type { Ledger } from '@faramesh/ledger'
import type { Logger } from './logger.js'
import { matches, renderEvents } from './sse-frames.js'
import type { SseClient } from './sse-pass.js'

/** Events per ledger read; about 1 KiB of frame each. */
export const REPLAY_PAGE = 256
// Sent once the client's starting point is fixed: from this comment on, it gets every event committed after it.
const CONNECTED = Buffer.from('retry: 3000\n: connected\n\n')

export interface ReplayHost {
  ledger: Ledger
  logger: Logger
  /** Subscribes the hub to the change feed if it is not yet; resolves once floor() is valid. */
  ready(): Promise<void>
  /** Events ≤ floor are not in the hub's log; everything after it that the feed delivered is. */
  floor(): number
  join(c: SseClient, cursor: number): void
  remove(c: SseClient): void
}

export async function replayGap(host: ReplayHost, c: SseClient, afterSeq: number | undefined): Promise<void> {
  try {
    await host.ready()
    const head = (await host.ledger.head())?.seq ?? 0
    // An id beyond the head (from another or a rebuilt ledger) resumes at the head: keeping it would silently skip
    // every new event until the chain passed it.
    let cursor = afterSeq === undefined ? head : Math.min(afterSeq, head)
    c.sink.write(CONNECTED)
    for (;;) {
      if (c.closed) return
      if (cursor >= host.floor()) return host.join(c, cursor)
      const page = await host.ledger.readEvents(cursor, REPLAY_PAGE)
      if (page.length === 0) {
        // Nothing stored after the cursor up to the floor (cannot happen with an intact chain): nothing to miss.
        cursor = Math.max(cursor, host.floor())
        continue
      }
      const entries = await renderEvents(host.ledger, page)
      cursor = page[page.length - 1]!.seq
      const frames = entries.filter((e) => c.key === '' || matches(c.filter, e)).map((e) => e.frame)
      if (frames.length > 0 && !c.closed) {
        await new Promise<void>((resolve) => {
          c.onClose = resolve
          c.sink.writev(frames, resolve)
        })
        c.onClose = null
      }
    }
  } catch (err) {
    host.logger.warn('SSE replay failed, closing the stream', { error: String(err) })
    host.remove(c)
  }
}
