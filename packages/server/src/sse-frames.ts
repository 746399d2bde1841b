// SSE frames (CONTRACT.md § Events and SSE): each ledger event is rendered once, as bytes, and the same bytes go to
// every client that receives it. A frame carries the action as every streaming role may see it (toApiAction
// without an approval token: the stream never shows one), so one rendering serves every client whatever its role.
import type { ActionRecord, ChainEvent, Ledger } from '@faramesh/ledger'
import { toStreamFrame } from './action-view.js'

export interface SseFilter {
  action_id?: string
  agent_id?: string
  tool?: string
  status?: string
  event_type?: string
}

/** One rendered event: the frame's bytes and the fields the filters look at. */
export interface SseEntry {
  seq: number
  frame: Buffer
  action_id: string
  event_type: string
  agent_id: string
  tool: string
  status: string
}

export const frameText = (ev: ChainEvent, a: ActionRecord): string =>
  `id: ${ev.seq}\ndata: ${JSON.stringify(toStreamFrame(ev, a))}\n\n`

export function matches(f: SseFilter, e: SseEntry): boolean {
  return (
    (!f.action_id || e.action_id === f.action_id) &&
    (!f.event_type || e.event_type === f.event_type) &&
    (!f.agent_id || e.agent_id === f.agent_id) &&
    (!f.tool || e.tool === f.tool) &&
    (!f.status || e.status === f.status)
  )
}

/** Equal for equal filters: clients with equal filters at the same position receive the same bytes. */
export const filterKey = (f: SseFilter): string =>
  f.action_id || f.agent_id || f.tool || f.status || f.event_type
    ? JSON.stringify([f.action_id, f.agent_id, f.tool, f.status, f.event_type])
    : ''

/**
 * Events (in seq order) rendered with their actions as they stand now, each action read once. An event whose action
 * cannot be found is left out (the ledger never writes one); a failing read throws.
 */
export async function renderEvents(ledger: Ledger, events: readonly ChainEvent[]): Promise<SseEntry[]> {
  const ids = [...new Set(events.map((e) => e.action_id))]
  const records = await Promise.all(ids.map((id) => ledger.getAction(id)))
  const byId = new Map(ids.map((id, i) => [id, records[i]]))
  const out: SseEntry[] = []
  for (const ev of events) {
    const a = byId.get(ev.action_id)
    if (!a) continue
    out.push({
      seq: ev.seq,
      frame: Buffer.from(frameText(ev, a)),
      action_id: ev.action_id,
      event_type: ev.event_type,
      agent_id: a.agent_id,
      tool: a.tool,
      status: a.status,
    })
  }
  return out
}

/** Index of the first entry with seq > `after` (entries ascend by seq). */
export function firstAfter(entries: readonly SseEntry[], after: number): number {
  let lo = 0
  let hi = entries.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (entries[mid]!.seq <= after) lo = mid + 1
    else hi = mid
  }
  return lo
}
