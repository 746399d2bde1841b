// A thin fetch client for the gateway's HTTP API, typed with the shared wire types. The dashboard talks to the
// API only (never to the store), with the reviewer's token when one is set.
import type { Action, ActionEvent } from '@faramesh/policy-core'
import { DashboardError, errorFromResponse } from '../errors.js'
import { apiQuery, type Filters } from '../filters.js'
import { parsePrincipal, type Principal } from '../roles.js'

export interface ApiClientOptions {
  /** '' = same origin (the gateway serves the dashboard). */
  baseUrl: string
  getToken: () => string | null
  fetch?: typeof fetch
}

export interface ActionList {
  items: Action[]
  total: number
}

export interface ApiClient {
  readonly baseUrl: string
  whoami(signal?: AbortSignal): Promise<Principal>
  listActions(filters: Filters, signal?: AbortSignal): Promise<ActionList>
  /** Newest actions, for the rate chart. */
  recentActions(limit: number, signal?: AbortSignal): Promise<Action[]>
  countActions(query: Record<string, string>, signal?: AbortSignal): Promise<number>
  getAction(id: string, signal?: AbortSignal): Promise<Action>
  getEvents(id: string, signal?: AbortSignal): Promise<ActionEvent[]>
  decide(id: string, approve: boolean, opts: { reason?: string; token?: string | null }): Promise<Action>
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const base = options.baseUrl.replace(/\/+$/, '')

  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers)
    headers.set('Accept', 'application/json')
    const token = options.getToken()
    if (token) headers.set('Authorization', `Bearer ${token}`)
    let res: Response
    try {
      res = await doFetch(base + path, { ...init, headers })
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err
      throw new DashboardError('UNAVAILABLE', `The gateway is unreachable (${String(err)})`, path)
    }
    if (!res.ok) {
      let detail: unknown = null
      try {
        detail = ((await res.json()) as { detail?: unknown }).detail
      } catch {
        // a non-JSON error page: the status alone decides the message
      }
      throw errorFromResponse(res.status, detail, path)
    }
    return res
  }

  async function json<T>(path: string, init?: RequestInit): Promise<T> {
    const res = await request(path, init)
    try {
      return (await res.json()) as T
    } catch {
      throw new DashboardError('BAD_RESPONSE', undefined, path, res.status)
    }
  }

  function array<T>(value: unknown, path: string): T[] {
    if (!Array.isArray(value)) throw new DashboardError('BAD_RESPONSE', 'Expected a list', path)
    return value as T[]
  }

  function totalOf(res: Response, fallback: number): number {
    const header = res.headers.get('X-Total-Count')
    const n = header === null ? NaN : Number(header)
    return Number.isFinite(n) && n >= 0 ? n : fallback
  }

  const actionPath = (id: string) => `/v1/actions/${encodeURIComponent(id)}`

  return {
    baseUrl: base,
    async whoami(signal) {
      const body = await json<unknown>('/v1/auth/whoami', { signal })
      const principal = parsePrincipal(body)
      if (!principal) throw new DashboardError('BAD_RESPONSE', 'whoami returned no name/role', '/v1/auth/whoami')
      return principal
    },
    async listActions(filters, signal) {
      const path = `/v1/actions?${apiQuery(filters).toString()}`
      const res = await request(path, { signal })
      let body: unknown
      try {
        body = await res.json()
      } catch {
        throw new DashboardError('BAD_RESPONSE', undefined, path, res.status)
      }
      const items = array<Action>(body, path)
      // Without the header (an older gateway) the best lower bound is what we have seen so far.
      return { items, total: totalOf(res, (filters.page - 1) * filters.size + items.length) }
    },
    async recentActions(limit, signal) {
      return array<Action>(await json<unknown>(`/v1/actions?limit=${limit}`, { signal }), '/v1/actions')
    },
    async countActions(query, signal) {
      const params = new URLSearchParams({ ...query, limit: '1' })
      const res = await request(`/v1/actions?${params.toString()}`, { signal })
      const items = array<Action>(await res.json(), '/v1/actions')
      return totalOf(res, items.length)
    },
    getAction: (id, signal) => json<Action>(actionPath(id), { signal }),
    async getEvents(id, signal) {
      return array<ActionEvent>(await json<unknown>(`${actionPath(id)}/events`, { signal }), `${actionPath(id)}/events`)
    },
    decide(id, approve, opts) {
      const body: Record<string, unknown> = { approve }
      if (opts.token) body.token = opts.token
      if (opts.reason) body.reason = opts.reason
      return json<Action>(`${actionPath(id)}/approval`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
    },
  }
}
