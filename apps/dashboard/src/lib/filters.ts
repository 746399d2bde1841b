// The table's filters live in the URL, so a reviewer can share or reload exactly what they see. One parse, one
// serialise, and the query sent to GET /v1/actions, all from the same object.
import type { Action, ActionStatus, RiskLevel } from '@faramesh/policy-core'
import { ACTION_STATUSES, RISK_LEVELS } from '@faramesh/policy-core/wire'

/** The status filter's choices: what a reviewer looks for first, then the rest in the contract's order. */
export const STATUSES: readonly ActionStatus[] = ['pending_approval', ...ACTION_STATUSES.filter((s) => s !== 'pending_approval')]
export { RISK_LEVELS }
export const PAGE_SIZES = [25, 50, 100] as const
export const DEFAULT_PAGE_SIZE = 25

export interface Filters {
  q: string
  status: ActionStatus | null
  agent_id: string
  tool: string
  risk_level: RiskLevel | null
  /** 1-based. */
  page: number
  size: number
}

export const EMPTY_FILTERS: Filters = {
  q: '',
  status: null,
  agent_id: '',
  tool: '',
  risk_level: null,
  page: 1,
  size: DEFAULT_PAGE_SIZE,
}

const MAX_TEXT = 200

function text(value: string | null): string {
  return (value ?? '').trim().slice(0, MAX_TEXT)
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null
}

function positiveInt(value: string | null, fallback: number, max: number): number {
  if (value === null || !/^\d{1,9}$/.test(value)) return fallback
  const n = Number(value)
  return n >= 1 ? Math.min(n, max) : fallback
}

/** Read filters from a URL's query. Anything malformed (a hand-edited link) falls back to the default. */
export function parseFilters(params: Pick<URLSearchParams, 'get'>): Filters {
  const size = positiveInt(params.get('size'), DEFAULT_PAGE_SIZE, 1000)
  return {
    q: text(params.get('q')),
    status: oneOf(params.get('status'), STATUSES),
    agent_id: text(params.get('agent_id')),
    tool: text(params.get('tool')),
    risk_level: oneOf(params.get('risk_level'), RISK_LEVELS),
    page: positiveInt(params.get('page'), 1, 1_000_000),
    size: (PAGE_SIZES as readonly number[]).includes(size) ? size : DEFAULT_PAGE_SIZE,
  }
}

/** Write filters into `params` (other keys such as the open drawer's `action` are kept); defaults are left out. */
export function writeFilters(filters: Filters, params = new URLSearchParams()): URLSearchParams {
  const set = (key: string, value: string | null, omit: string | null = '') => {
    if (value === null || value === omit) params.delete(key)
    else params.set(key, value)
  }
  set('q', filters.q)
  set('status', filters.status)
  set('agent_id', filters.agent_id)
  set('tool', filters.tool)
  set('risk_level', filters.risk_level)
  set('page', String(filters.page), '1')
  set('size', String(filters.size), String(DEFAULT_PAGE_SIZE))
  return params
}

/** The query for GET /v1/actions: the contract's limit/offset plus the gateway's q and risk_level. */
export function apiQuery(filters: Filters): URLSearchParams {
  const params = new URLSearchParams()
  params.set('limit', String(filters.size))
  params.set('offset', String((filters.page - 1) * filters.size))
  if (filters.status) params.set('status', filters.status)
  if (filters.agent_id) params.set('agent_id', filters.agent_id)
  if (filters.tool) params.set('tool', filters.tool)
  if (filters.risk_level) params.set('risk_level', filters.risk_level)
  if (filters.q) params.set('q', filters.q)
  return params
}

export function hasActiveFilters(filters: Filters): boolean {
  return Boolean(filters.q || filters.status || filters.agent_id || filters.tool || filters.risk_level)
}

/**
 * Whether a live action belongs in the current view. Mirrors the gateway's list filters, so a new action streamed
 * over SSE shows up only where a reload would have shown it (q: substring of id, tool or operation, any case).
 */
export function matchesFilters(action: Action, filters: Filters): boolean {
  if (filters.status && action.status !== filters.status) return false
  if (filters.agent_id && action.agent_id !== filters.agent_id) return false
  if (filters.tool && action.tool !== filters.tool) return false
  if (filters.risk_level && action.risk_level !== filters.risk_level) return false
  if (filters.q) {
    const q = filters.q.toLowerCase()
    const hay = [action.id, action.tool, action.operation].map((s) => s.toLowerCase())
    if (!hay.some((s) => s.includes(q))) return false
  }
  return true
}

export function pageCount(total: number, size: number): number {
  return Math.max(1, Math.ceil(total / size))
}
