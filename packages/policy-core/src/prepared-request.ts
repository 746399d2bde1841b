// A request prepared once for many rule checks: the canonical params JSON (what `contains` and `pattern` search)
// and the amount are computed at most once, and only if some rule needs them.
import { canonicalJson } from './canonical-json.js'
import { lookupValue, toNumber } from './lookup.js'

export class PreparedRequest {
  readonly agent_id: unknown
  readonly tool: unknown
  readonly operation: unknown
  readonly params: unknown
  readonly context: unknown
  /** The request as given. */
  readonly request: unknown
  #json: string | undefined
  #amount: number | undefined

  constructor(request: unknown) {
    const r = typeof request === 'object' && request !== null ? (request as Record<string, unknown>) : {}
    this.request = request
    this.agent_id = r.agent_id
    this.tool = r.tool
    this.operation = r.operation
    this.params = r.params ?? {}
    this.context = r.context ?? {}
  }

  /** Canonical JSON of params; throws PolicyError NOT_CANONICALIZABLE (evaluate turns that into a deny). */
  paramsJson(): string {
    if (this.#json === undefined) this.#json = canonicalJson(this.params)
    return this.#json
  }

  lookup(name: string, segments: string[] | null = null): unknown {
    return lookupValue(this.params, this.context, name, segments)
  }

  /** The numeric amount, or NaN when missing or not numeric (then no amount_* condition holds). */
  amount(): number {
    if (this.#amount === undefined) this.#amount = toNumber(this.lookup('amount'))
    return this.#amount
  }
}

/** Prepare a request once when several evaluations (policy, risk, profile) will look at it. Never throws. */
export function prepareRequest(request: unknown): PreparedRequest {
  return request instanceof PreparedRequest ? request : new PreparedRequest(request)
}
