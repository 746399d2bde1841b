// The core of the class API: one method per endpoint, plus waits. `ExecutionGovernorClient` (client.ts) adds the
// helpers built on top; everything else in the SDK goes through an instance.
import type { Action, ActionEvent, ActionRequest, GateDecision, PolicyInfo } from '@faramesh/policy-core'
import { resolveConfig } from './config.js'
import { FarameshApprovalTimeoutError, FarameshDeniedError, FarameshPolicyError, FarameshTimeoutError } from './errors.js'
import { shouldFailOpen, ungovernedAction, ungovernedDecision } from './fail-open.js'
import { createTransport, type Transport } from './transport.js'
import { checkId, checkRequest, invalid, isObj } from './validate.js'
import type {
  CallOptions,
  ClientConfig,
  GovernedAction,
  GovernedDecision,
  ListActionsOptions,
  ResolvedConfig,
  ResultReport,
  WaitOptions,
} from './types.js'
import { waitFor } from './wait.js'

type Obj = Record<string, unknown>
export type SubmitSpec = Omit<ActionRequest, 'agent_id'> & { agent_id?: string }
export type SubmitOptions = CallOptions & { throwOnDeny?: boolean }

const DONE = ['succeeded', 'failed', 'denied', 'timeout']
const UNDECIDED = ['pending_decision', 'pending_approval']

export class CoreClient {
  readonly config: ResolvedConfig
  readonly agentId: string
  /** @internal shared with the stream helpers */
  readonly transport: Transport

  constructor(baseUrlOrConfig?: string | ClientConfig, config?: ClientConfig) {
    const c = typeof baseUrlOrConfig === 'string' ? { ...config, baseUrl: baseUrlOrConfig } : { ...baseUrlOrConfig, ...config }
    this.config = resolveConfig(c)
    this.agentId = this.config.agentId
    this.transport = createTransport(this.config)
  }

  /** Submit with an explicit request object (the functional API's form). */
  async submit(request: ActionRequest, o: SubmitOptions = {}): Promise<GovernedAction> {
    const body = checkRequest(request)
    let action: Action
    try {
      action = await this.transport.request<Action>('POST', '/v1/actions', { ...o, body, retry: !!o.idempotencyKey })
    } catch (e) {
      if (shouldFailOpen(this.config, e)) return ungovernedAction(body)
      throw e
    }
    if (action.status === 'denied' && (o.throwOnDeny ?? this.config.throwOnDeny))
      throw new FarameshPolicyError(action.reason ?? 'Action denied by policy', { action })
    return action
  }

  /** The seed's object form `{tool, operation, params, context}` or the original positional form. */
  submitAction(spec: SubmitSpec, options?: SubmitOptions): Promise<GovernedAction>
  submitAction(tool: string, operation: string, params?: Obj, context?: Obj, options?: SubmitOptions): Promise<GovernedAction>
  submitAction(a: SubmitSpec | string, b?: string | SubmitOptions, params?: Obj, context?: Obj, o?: SubmitOptions) {
    if (typeof a === 'string') return this.submit({ agent_id: this.agentOf(context), tool: a, operation: b as string, params, context }, o)
    if (!isObj(a)) return Promise.reject(invalid('submitAction needs {tool, operation} or (tool, operation)'))
    return this.submit({ ...a, agent_id: a.agent_id ?? this.agentOf(a.context) }, b as SubmitOptions)
  }

  private agentOf(context?: Obj): string {
    const id = context?.agent_id
    return typeof id === 'string' && id ? id : this.agentId
  }

  async getAction(id: string, o: CallOptions = {}): Promise<Action> {
    return this.transport.request('GET', `/v1/actions/${checkId(id)}`, { ...o, retry: true })
  }

  async listActions(filter: ListActionsOptions = {}, o: CallOptions = {}): Promise<Action[]> {
    const query = { limit: filter.limit ?? 20, offset: filter.offset ?? 0, agent_id: filter.agent_id, tool: filter.tool, status: filter.status }
    const r = await this.transport.request<Action[] | { actions?: Action[]; items?: Action[] }>('GET', '/v1/actions', { ...o, query, retry: true })
    return Array.isArray(r) ? r : (r?.actions ?? r?.items ?? [])
  }

  async getEvents(id: string, o: CallOptions = {}): Promise<ActionEvent[]> {
    return this.transport.request('GET', `/v1/actions/${checkId(id)}/events`, { ...o, retry: true })
  }

  async approveAction(id: string, token?: string, reason?: string, o?: CallOptions): Promise<Action> {
    return this.approval(id, true, token, reason, o)
  }

  async denyAction(id: string, token?: string, reason?: string, o?: CallOptions): Promise<Action> {
    return this.approval(id, false, token, reason, o)
  }

  private async approval(id: string, approve: boolean, token = '', reason?: string, o: CallOptions = {}): Promise<Action> {
    // Without a token, use the one the gateway shows this caller (approver/admin); else rely on identity (Part B).
    if (!token) token = (await this.getAction(id, o)).approval_token ?? ''
    const body = { approve, ...(token ? { token } : {}), ...(reason ? { reason } : {}) }
    return this.transport.request('POST', `/v1/actions/${checkId(id)}/approval`, { ...o, body })
  }

  async startAction(id: string, o: CallOptions = {}): Promise<Action> {
    return this.transport.request('POST', `/v1/actions/${checkId(id)}/start`, { ...o, body: {} })
  }

  reportResult(id: string, report: ResultReport, o?: CallOptions): Promise<Action>
  reportResult(id: string, success: boolean, error?: string | null, o?: CallOptions): Promise<Action>
  async reportResult(id: string, r: ResultReport | boolean, b?: string | null | CallOptions, c?: CallOptions): Promise<Action> {
    const report = typeof r === 'boolean' ? { success: r, error: b as string | null | undefined } : r
    const o = (typeof r === 'boolean' ? c : (b as CallOptions | undefined)) ?? {}
    if (!isObj(report) || typeof report.success !== 'boolean')
      throw invalid('reportResult needs {success: boolean}')
    const body: Obj = { success: report.success }
    if (report.error != null) body.error = String(report.error)
    if (report.result !== undefined) body.result = report.result
    if (report.meta) body.meta = report.meta
    return this.transport.request('POST', `/v1/actions/${checkId(id)}/result`, { ...o, body })
  }

  /** Submit the same request again as a new action, linked by `context.replayed_from`. */
  async replayAction(id: string, o: SubmitOptions = {}): Promise<GovernedAction> {
    const a = await this.getAction(id, o)
    const context = { ...a.context, replayed_from: id, replay: true }
    return this.submit({ agent_id: a.agent_id, tool: a.tool, operation: a.operation, params: a.params, context }, o)
  }

  /** Resolve when the action `succeeded`, `failed`, was `denied` or timed out. */
  async waitForCompletion(id: string, pollIntervalMs: number | WaitOptions = 1000, timeoutMs = 60000, o: CallOptions = {}): Promise<Action> {
    const w = typeof pollIntervalMs === 'object' ? pollIntervalMs : { pollIntervalMs, timeoutMs, signal: o.signal }
    const limit = w.timeoutMs ?? timeoutMs
    return waitFor(this.transport, (i, c) => this.getAction(i, c), id, (a) => DONE.includes(a.status), {
      timeoutMs: limit,
      pollIntervalMs: w.pollIntervalMs ?? 1000,
      signal: w.signal,
      onTimeout: (a) => new FarameshTimeoutError(`Action ${id} did not complete within ${limit}ms (status: ${a?.status ?? 'unknown'})`, { action: a }),
    })
  }

  /** Resolve as soon as a decision exists (allowed, approved, denied, timeout, ...); no error on denial. */
  async waitForDecision(id: string, w: WaitOptions = {}): Promise<Action> {
    const limit = w.timeoutMs ?? 300000
    return waitFor(this.transport, (i, c) => this.getAction(i, c), id, (a) => !UNDECIDED.includes(a.status), {
      timeoutMs: limit,
      pollIntervalMs: w.pollIntervalMs ?? 2000,
      signal: w.signal,
      onTimeout: (a) => new FarameshApprovalTimeoutError(`No decision on action ${id} within ${limit}ms`, { action: a }),
    })
  }

  /** Like `waitForDecision`, but a denial throws `FarameshDeniedError` and an expired approval times out. */
  async blockUntilApproved(id: string, w: WaitOptions = {}): Promise<Action> {
    const a = await this.waitForDecision(id, w)
    if (a.status === 'denied') throw await this.deniedError(a)
    if (a.status === 'timeout') throw new FarameshApprovalTimeoutError(`Approval of action ${id} expired`, { action: a })
    return a
  }

  /** The error for a denied action, with the human's reason when a human denied it (kept in the event). */
  async deniedError(a: Action): Promise<FarameshDeniedError> {
    const ev = await this.getEvents(a.id).catch(() => [])
    const human = ev.findLast((e) => e.event_type === 'denied')?.meta?.reason
    const why = typeof human === 'string' && human ? human : (a.reason ?? 'no reason given')
    return new FarameshDeniedError(`Action denied: ${why}`, { action: a })
  }

  /** Decide without storing anything (`POST /v1/gate/decide`). */
  async decide(request: ActionRequest, o: CallOptions = {}): Promise<GovernedDecision> {
    const body = checkRequest(request)
    try {
      return await this.transport.request<GateDecision>('POST', '/v1/gate/decide', { ...o, body, retry: true })
    } catch (e) {
      if (shouldFailOpen(this.config, e)) return ungovernedDecision(body)
      throw e
    }
  }

  async gateDecide(agentId: string, tool: string, operation: string, params?: Obj, context?: Obj, o?: CallOptions): Promise<GovernedDecision> {
    return this.decide({ agent_id: agentId, tool, operation, params, context }, o)
  }

  async getPolicyInfo(o: CallOptions = {}): Promise<PolicyInfo> {
    return this.transport.request('GET', '/v1/policy/info', { ...o, retry: true })
  }
}
