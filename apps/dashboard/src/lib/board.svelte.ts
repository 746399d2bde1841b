// The table page's data: the current page of actions, the overview counts and rate, and the live stream that
// keeps all three current without a reload.
import type { Action, StreamFrame } from '@faramesh/policy-core'
import type { ApiClient } from './api/client.js'
import { connectEventStream, type EventStream, type StreamStatus } from './api/event-stream.js'
import type { Filters } from './filters.js'
import { applyFrame } from './live-list.js'
import { rateSeries, WINDOW_MINUTES, type Counts, type RateSeries } from './overview.js'

const RATE_SAMPLE = 500

export class Board {
  items = $state.raw<Action[]>([])
  total = $state(0)
  loading = $state(true)
  error = $state<string | null>(null)
  counts = $state.raw<Counts | null>(null)
  stream = $state<StreamStatus | 'off'>('off')
  flash = $state.raw<ReadonlySet<string>>(new Set())
  now = $state(Date.now())
  rate = $state.raw<RateSeries>(rateSeries([], Date.now()))
  /** Set once the first page has rendered: the e2e run reads it to time "interactive". */
  firstPageAt = $state<number | null>(null)

  #times = new Map<string, number>()
  #coveredSince = -Infinity
  #listAbort: AbortController | null = null
  #countsTimer: ReturnType<typeof setTimeout> | undefined
  #stream: EventStream | null = null
  #filters: Filters | null = null

  constructor(private readonly api: () => ApiClient) {}

  async load(filters: Filters): Promise<void> {
    this.#filters = filters
    this.#listAbort?.abort()
    const abort = (this.#listAbort = new AbortController())
    this.loading = true
    try {
      const page = await this.api().listActions(filters, abort.signal)
      if (abort.signal.aborted) return
      this.items = page.items
      this.total = page.total
      this.error = null
    } catch (err) {
      if (abort.signal.aborted) return
      this.error = (err as Error).message
    } finally {
      if (!abort.signal.aborted) this.loading = false
    }
  }

  async loadCounts(): Promise<void> {
    const api = this.api()
    try {
      const [pending, allowed, denied, total] = await Promise.all([
        api.countActions({ status: 'pending_approval' }),
        api.countActions({ status: 'allowed' }),
        api.countActions({ status: 'denied' }),
        api.countActions({}),
      ])
      this.counts = { pending, allowed, denied, total }
    } catch {
      // the strip keeps its last figures; the table shows the error
    }
  }

  async loadRate(): Promise<void> {
    try {
      const recent = await this.api().recentActions(RATE_SAMPLE)
      for (const a of recent) this.#times.set(a.id, Date.parse(a.created_at))
      // A full sample means older minutes are not covered: show them as unknown, not as zero.
      const oldest = recent.at(-1)
      if (recent.length >= RATE_SAMPLE && oldest) this.#coveredSince = Date.parse(oldest.created_at)
      this.tick()
    } catch {
      // no chart is better than a wrong one
    }
  }

  tick(): void {
    this.now = Date.now()
    // Keep memory bounded on a dashboard left open for days: only the chart's window matters.
    const horizon = this.now - (WINDOW_MINUTES + 1) * 60_000
    for (const [id, t] of this.#times) if (t < horizon) this.#times.delete(id)
    this.rate = rateSeries(this.#times.values(), this.now, this.#coveredSince)
  }

  connect(getToken: () => string | null): void {
    this.disconnect()
    this.#stream = connectEventStream({
      url: `${this.api().baseUrl}/v1/events`,
      getToken,
      onStatus: (s) => (this.stream = s),
      onFrame: (f) => this.frame(f),
    })
  }

  disconnect(): void {
    this.#stream?.close()
    this.#stream = null
    this.stream = 'off'
  }

  frame(frame: StreamFrame): void {
    const filters = this.#filters
    if (filters) {
      const { view, change } = applyFrame({ items: this.items, total: this.total }, frame, filters)
      if (change !== 'none' || view.total !== this.total) {
        this.items = view.items
        this.total = view.total
      }
      if (change !== 'none') this.#flash(frame.data.id)
    }
    if (frame.event_type === 'decision_made') {
      this.#times.set(frame.data.id, Date.parse(frame.data.created_at))
      this.tick()
    }
    this.onAction?.(frame.data)
    // Throttled, not debounced: under a steady stream a debounce would never fire and the counts would freeze.
    if (this.#countsTimer === undefined) {
      this.#countsTimer = setTimeout(() => {
        this.#countsTimer = undefined
        void this.loadCounts()
      }, 400)
    }
  }

  /** Set by the page: the drawer listens here for its action. */
  onAction: ((a: Action) => void) | null = null

  /** Reflect a decision made from this tab at once (the stream confirms it a moment later). */
  replace(action: Action): void {
    this.items = this.items.map((a) => (a.id === action.id ? { ...action, approval_token: null } : a))
    this.#flash(action.id)
  }

  #flash(id: string): void {
    this.flash = new Set([...this.flash, id])
    setTimeout(() => {
      const next = new Set(this.flash)
      next.delete(id)
      this.flash = next
    }, 1500)
  }
}
