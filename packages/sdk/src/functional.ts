// The functional API: module-level functions over one default client, configured by `configure()` or the
// environment on first use. Positional signatures are the original SDK's. Helpers are called as plain
// functions (not through ExecutionGovernorClient) so a bundler keeps only what an app imports.
import type { Action, ActionEvent, ActionRequest, PolicyInfo } from '@faramesh/policy-core'
import { CoreClient, type SubmitOptions, type SubmitSpec } from './core-client.js'
import * as ev from './events.js'
import * as x from './extras.js'
import * as g from './gate.js'
import type {
  CallOptions,
  ClientConfig,
  FarameshEvent,
  GovernedAction,
  GovernedDecision,
  ListActionsOptions,
  ResolvedConfig,
  ResultReport,
  WaitOptions,
} from './types.js'

type Obj = Record<string, unknown>
let current: CoreClient | undefined
let given: ClientConfig = {}

/** Set the default client's configuration; unset fields keep earlier `configure` values, then env, then defaults. */
export function configure(config: ClientConfig = {}): void {
  given = { ...given, ...config }
  current = new CoreClient(given)
}

/** The client behind the functional API (created from the environment on first use). */
export function getClient(): CoreClient {
  return (current ??= new CoreClient(given))
}

export function getActiveConfig(): ResolvedConfig {
  return { ...getClient().config }
}

export function submitAction(request: ActionRequest, options?: SubmitOptions): Promise<GovernedAction>
export function submitAction(agentId: string, tool: string, operation: string, params?: Obj, context?: Obj, options?: SubmitOptions): Promise<GovernedAction>
export function submitAction(a: ActionRequest | string, b?: string | SubmitOptions, op?: string, params?: Obj, context?: Obj, o?: SubmitOptions) {
  if (typeof a === 'string') return getClient().submit({ agent_id: a, tool: b as string, operation: op as string, params, context }, o)
  return getClient().submit(a, b as SubmitOptions)
}

export const getAction = (id: string, o?: CallOptions): Promise<Action> => getClient().getAction(id, o)
export const listActions = (filter?: ListActionsOptions, o?: CallOptions): Promise<Action[]> => getClient().listActions(filter, o)
export const getEvents = (id: string, o?: CallOptions): Promise<ActionEvent[]> => getClient().getEvents(id, o)
export const approveAction = (id: string, token?: string, reason?: string, o?: CallOptions): Promise<Action> =>
  getClient().approveAction(id, token, reason, o)
export const denyAction = (id: string, token?: string, reason?: string, o?: CallOptions): Promise<Action> =>
  getClient().denyAction(id, token, reason, o)
export const allow = approveAction
export const deny = denyAction
export const startAction = (id: string, o?: CallOptions): Promise<Action> => getClient().startAction(id, o)

export function reportResult(id: string, report: ResultReport, o?: CallOptions): Promise<Action>
export function reportResult(id: string, success: boolean, error?: string | null, o?: CallOptions): Promise<Action>
export function reportResult(id: string, r: ResultReport | boolean, b?: string | null | CallOptions, c?: CallOptions) {
  return typeof r === 'boolean' ? getClient().reportResult(id, r, b as string | null | undefined, c) : getClient().reportResult(id, r, b as CallOptions)
}

export const replayAction = (id: string, o?: SubmitOptions): Promise<GovernedAction> => getClient().replayAction(id, o)
export const waitForCompletion = (id: string, pollIntervalMs?: number | WaitOptions, timeoutMs?: number, o?: CallOptions): Promise<Action> =>
  getClient().waitForCompletion(id, pollIntervalMs, timeoutMs, o)
export const waitForDecision = (id: string, w?: WaitOptions): Promise<Action> => getClient().waitForDecision(id, w)
export const blockUntilApproved = (id: string, w?: WaitOptions): Promise<Action> => getClient().blockUntilApproved(id, w)

/** Decide without storing (object form of `gateDecide`). */
export const decide = (request: ActionRequest, o?: CallOptions): Promise<GovernedDecision> => getClient().decide(request, o)
export const gateDecide = (agentId: string, tool: string, operation: string, params?: Obj, context?: Obj, o?: CallOptions) =>
  getClient().gateDecide(agentId, tool, operation, params, context, o)
/** The decision as a plain object (the Python SDK's `gate_decide_dict`). */
export const gateDecideDict = async (agentId: string, tool: string, operation: string, params?: Obj, context?: Obj, o?: CallOptions) =>
  ({ ...(await gateDecide(agentId, tool, operation, params, context, o)) }) as Record<string, unknown>
export const getPolicyInfo = (o?: CallOptions): Promise<PolicyInfo> => getClient().getPolicyInfo(o)

export const withGate = <T>(request: SubmitSpec, fn: (action: GovernedAction) => T | Promise<T>, options?: g.GateOptions) =>
  g.withGate(getClient(), request, fn, options)
export const governed = <P extends Obj, R>(target: string | g.GovernedTarget, fn: (params: P, action: GovernedAction) => R | Promise<R>, options?: g.GateOptions) =>
  g.governed(getClient(), target, fn, options)

export const submitActions = (specs: ActionRequest[]) => x.submitActions(getClient(), specs)
export const submitActionsBulk = (specs: ActionRequest[], o?: { raiseOnError?: boolean }) => x.submitActionsBulk(getClient(), specs, o)
export const submitAndWait = (o: x.SubmitAndWaitOptions) => x.submitAndWait(getClient(), o)
export const replayDecision = (o: { actionId?: string; provenanceId?: string }) => x.replayDecision(getClient(), o)
export const gateGovern = (agentId: string, tool: string, operation: string, params?: Obj, context?: Obj) =>
  x.gateGovern(getClient(), agentId, tool, operation, params, context)
export const executeIfAllowed = (o: x.ExecuteIfAllowedOptions) => x.executeIfAllowed(getClient(), o)
export const apply = (file: string) => x.apply(getClient(), file)
export const onEvents = (handler: (e: FarameshEvent) => void, o?: ev.OnEventsOptions) => ev.onEvents(getClient(), handler, o)
export const streamEvents = (handler: (e: FarameshEvent) => void, o?: ev.StreamEventsOptions) => ev.streamEvents(getClient(), handler, o)
export const tailEvents = (cb?: (e: FarameshEvent) => void, actionId?: string, o?: { signal?: AbortSignal }) =>
  ev.tailEvents(getClient(), cb, actionId, o)
