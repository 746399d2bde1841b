// The dashboard's view of the gateway's HTTP API, over the SDK's operator client (the one HTTP client of the
// repository), typed with the shared wire types. The dashboard talks to the API only (never to the store), with the
// reviewer's token when one is set; every failure becomes a DashboardError (errors.ts) naming the path.
import type { Action, ActionEvent } from '@faramesh/policy-core'
import { FarameshError, FarameshServerError, FarameshValidationError } from '@faramesh/sdk'
import { OperatorClient } from '@faramesh/sdk/operator'
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

/** The SDK's typed errors as the dashboard's: the gateway's status and detail, or why there was no usable answer. */
export function toDashboardError(err: unknown, where: string): unknown {
  if (err instanceof DOMException && err.name === 'AbortError') return err
  if (!(err instanceof FarameshError)) return err
  const status = err.statusCode
  if (status !== undefined && status >= 400) return errorFromResponse(status, err.detail, where)
  // A 2xx that is not JSON, or not the list an endpoint returns.
  if (err instanceof FarameshServerError) return new DashboardError('BAD_RESPONSE', undefined, where, status ?? null)
  if (err instanceof FarameshValidationError) return new DashboardError('BAD_INPUT', err.message, where)
  const cause = err.cause instanceof Error ? err.cause : err
  return new DashboardError('UNAVAILABLE', `The gateway is unreachable (${String(cause)})`, where)
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, '')
  // A person waits at the screen: no retries with backoff, the error shows at once.
  const client = new OperatorClient({ baseUrl: base, getToken: options.getToken, maxRetries: 0, ...(options.fetch ? { fetch: options.fetch } : {}) })
  const call = async <T>(where: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (err) {
      throw toDashboardError(err, where)
    }
  }
  const actionPath = (id: string) => `/v1/actions/${encodeURIComponent(id)}`

  return {
    baseUrl: base,
    async whoami(signal) {
      const principal = parsePrincipal(await call('/v1/auth/whoami', () => client.whoami({ signal })))
      if (!principal) throw new DashboardError('BAD_RESPONSE', 'whoami returned no name/role', '/v1/auth/whoami')
      return principal
    },
    async listActions(filters, signal) {
      const query = apiQuery(filters)
      const page = await call(`/v1/actions?${query.toString()}`, () => client.listPage(Object.fromEntries(query), { signal }))
      // Without the header (an older gateway) the best lower bound is what we have seen so far.
      return { items: page.items, total: page.total ?? (filters.page - 1) * filters.size + page.items.length }
    },
    async recentActions(limit, signal) {
      return (await call('/v1/actions', () => client.listPage({ limit }, { signal }))).items
    },
    countActions: (query, signal) => call('/v1/actions', () => client.countActions(query, { signal })),
    getAction: (id, signal) => call(actionPath(id), () => client.getAction(id, { signal })),
    async getEvents(id, signal) {
      const events = await call(`${actionPath(id)}/events`, () => client.getEvents(id, { signal }))
      if (!Array.isArray(events)) throw new DashboardError('BAD_RESPONSE', 'Expected a list', `${actionPath(id)}/events`)
      return events
    },
    decide: (id, approve, opts) => call(`${actionPath(id)}/approval`, () => client.answerApproval(id, approve, opts)),
  }
}
