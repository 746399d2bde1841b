// `@faramesh/sdk/operator`: what operator tools (the CLI, the dashboard) ask a gateway beyond an agent's calls:
// who am I, pages with their total, counts, an id prefix, health and readiness, policy info and reload, the audit
// chain (public key, checkpoints, NDJSON export, verify) and approvals answered as the caller. A separate entry, so
// an agent's bundle does not carry it. Browser-safe: fetch only.
import type { Action } from '@faramesh/policy-core'
import { CoreClient } from './core-client.js'
import { FarameshServerError } from './errors.js'
import { subscribeEvents, type EventSubscription, type SubscribeOptions } from './events.js'
import { checkId } from './validate.js'
import type { CallOptions, FarameshEvent, ListActionsOptions } from './types.js'

export { subscribeEvents, type EventSubscription, type SubscribeOptions }
export { openStream, type FrameStream } from './sse.js'

/** `GET /v1/auth/whoami`. */
export interface WhoAmI {
  name: string
  role: string
  auth_enabled?: boolean
  agent_id?: string | null
}

/** Every filter `GET /v1/actions` takes (`q`: id prefix search on gateways that support it). */
export interface ActionQuery extends Omit<ListActionsOptions, 'status'> {
  status?: string
  risk_level?: string
  q?: string
}

export interface ActionPage {
  items: Action[]
  /** `X-Total-Count`: matching actions over all pages; null when the gateway does not say. */
  total: number | null
}

export interface PublicKey {
  key_id: string
  public_key_pem: string
}

/** Page size when scanning for an id prefix (the API's maximum). */
const PAGE = 1000

function list(where: string, v: unknown): Action[] {
  if (!Array.isArray(v)) throw new FarameshServerError(`${where} did not return a list`, { statusCode: undefined })
  return v as Action[]
}

export class OperatorClient extends CoreClient {
  whoami(o: CallOptions = {}): Promise<WhoAmI> {
    return this.transport.request('GET', '/v1/auth/whoami', { ...o, retry: true })
  }

  /** One page of `GET /v1/actions`, exactly as filtered (only set filters are sent), with the total. */
  async listPage(query: ActionQuery = {}, o: CallOptions = {}): Promise<ActionPage> {
    let total: number | null = null
    const body = await this.transport.request('GET', '/v1/actions', {
      ...o,
      query: { ...query },
      retry: true,
      onHeaders: (h) => {
        const n = Number(h.get('x-total-count') ?? NaN)
        total = Number.isFinite(n) && n >= 0 ? n : null
      },
    })
    return { items: list('GET /v1/actions', body), total }
  }

  /** How many actions match (`X-Total-Count` of a one-item page; the page's length on a gateway without it). */
  async countActions(query: ActionQuery = {}, o: CallOptions = {}): Promise<number> {
    const page = await this.listPage({ ...query, limit: 1 }, o)
    return page.total ?? page.items.length
  }

  /** Actions whose id starts with `prefix` (lowercase hex), newest first, scanning at most `scanLimit` actions. */
  async findByIdPrefix(prefix: string, o: { limit?: number; scanLimit?: number } & CallOptions = {}): Promise<Action[]> {
    const found: Action[] = []
    const p = prefix.toLowerCase()
    for (let offset = 0; offset < (o.scanLimit ?? 50000); offset += PAGE) {
      // `q` narrows the scan on gateways that support it; the prefix is checked here either way.
      const { items } = await this.listPage({ limit: PAGE, offset, q: p }, o)
      for (const a of items) if (a.id.toLowerCase().startsWith(p)) found.push(a)
      if (found.length >= (o.limit ?? Infinity) || items.length < PAGE) break
    }
    return found
  }

  /** `POST /approval` as the caller: the approval token only when given (approver/admin identity otherwise), no read first. */
  async answerApproval(id: string, approve: boolean, a: { token?: string | null; reason?: string } = {}, o: CallOptions = {}): Promise<Action> {
    const body = { approve, ...(a.token ? { token: a.token } : {}), ...(a.reason ? { reason: a.reason } : {}) }
    return this.transport.request('POST', `/v1/actions/${checkId(id)}/approval`, { ...o, body })
  }

  health(o: CallOptions = {}): Promise<{ status: string }> {
    return this.transport.request('GET', '/health', { ...o, retry: true })
  }

  /** `GET /ready`; a gateway that is not ready answers 503 (FarameshServerError). */
  ready(o: CallOptions = {}): Promise<{ status: string; [k: string]: unknown }> {
    return this.transport.request('GET', '/ready', { ...o, retry: true })
  }

  /** `POST /v1/policy/reload` (admin). */
  reloadPolicy(o: CallOptions = {}): Promise<{ status: string; policy_hash: string }> {
    return this.transport.request('POST', '/v1/policy/reload', o)
  }

  publicKey(o: CallOptions = {}): Promise<PublicKey> {
    return this.transport.request('GET', '/v1/ledger/public-key', { ...o, retry: true })
  }

  checkpoints(o: CallOptions = {}): Promise<Array<Record<string, unknown>>> {
    return this.transport.request('GET', '/v1/ledger/checkpoints', { ...o, retry: true })
  }

  /** The chain as NDJSON text (`GET /v1/ledger/export?from_seq=`). */
  exportLedger(fromSeq?: number, o: CallOptions = {}): Promise<string> {
    return this.transport.request('GET', '/v1/ledger/export', { ...o, query: { from_seq: fromSeq }, text: 'application/x-ndjson', retry: true })
  }

  /** The gateway's own check of its chain and actions table (`GET /v1/ledger/verify`). */
  verifyLedger(o: CallOptions = {}): Promise<Record<string, unknown>> {
    return this.transport.request('GET', '/v1/ledger/verify', { ...o, retry: true })
  }

  /** A live subscription (reconnects with Last-Event-ID) whose resume point can be read. */
  subscribe(handler: (event: FarameshEvent) => void, o?: SubscribeOptions): EventSubscription {
    return subscribeEvents(this, handler, o)
  }
}
