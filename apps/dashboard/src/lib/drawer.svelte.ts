// The open action: loaded when the URL names it, refreshed when its events stream in, and decided from here.
import type { Action, ActionEvent } from '@faramesh/policy-core'
import type { ApiClient } from './api/client.js'
import { DashboardError } from './errors.js'

export class Drawer {
  id = $state<string | null>(null)
  action = $state.raw<Action | null>(null)
  events = $state.raw<ActionEvent[]>([])
  loading = $state(false)
  error = $state<string | null>(null)
  decideBusy = $state(false)
  decideError = $state<string | null>(null)
  #abort: AbortController | null = null
  #refresh: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly api: () => ApiClient) {}

  open(id: string | null): void {
    if (id === this.id) return
    this.#abort?.abort()
    this.id = id
    this.action = null
    this.events = []
    this.error = null
    this.decideError = null
    if (id) void this.load()
  }

  async load(): Promise<void> {
    const id = this.id
    if (!id) return
    this.#abort?.abort()
    const abort = (this.#abort = new AbortController())
    this.loading = true
    try {
      const [action, events] = await Promise.all([
        this.api().getAction(id, abort.signal),
        this.api().getEvents(id, abort.signal),
      ])
      if (abort.signal.aborted || this.id !== id) return
      this.action = action
      this.events = events
      this.error = null
    } catch (err) {
      if (abort.signal.aborted) return
      this.error = err instanceof DashboardError && err.code === 'NOT_FOUND' ? `No action with id ${id}.` : String((err as Error).message)
    } finally {
      if (!abort.signal.aborted) this.loading = false
    }
  }

  /** A live frame for this action: show its new state at once, then fetch the new events (debounced). */
  live(action: Action): void {
    if (action.id !== this.id) return
    const keepToken = this.action?.status === action.status ? this.action?.approval_token ?? null : null
    this.action = { ...this.action, ...action, approval_token: action.approval_token ?? keepToken }
    clearTimeout(this.#refresh)
    this.#refresh = setTimeout(() => void this.load(), 150)
  }

  async decide(approve: boolean, reason: string): Promise<Action | null> {
    const action = this.action
    if (!action) return null
    this.decideBusy = true
    this.decideError = null
    try {
      const updated = await this.api().decide(action.id, approve, { reason, token: action.approval_token })
      if (this.id === action.id) {
        this.action = updated
        void this.load()
      }
      return updated
    } catch (err) {
      this.decideError = err instanceof Error ? err.message : String(err)
      return null
    } finally {
      this.decideBusy = false
    }
  }
}
