// `ExecutionGovernorClient`: the endpoint methods of CoreClient plus every helper, so an instance can do all
// that the functional API does, with its own configuration.
import type { Action, ActionRequest } from '@faramesh/policy-core'
import { CoreClient, type SubmitSpec } from './core-client.js'
import { onEvents, streamEvents, tailEvents, type OnEventsOptions, type StreamEventsOptions } from './events.js'
import {
  apply,
  executeIfAllowed,
  gateGovern,
  replayDecision,
  submitActions,
  submitActionsBulk,
  submitAndWait,
  type ExecuteIfAllowedOptions,
  type SubmitAndWaitOptions,
} from './extras.js'
import { governed, withGate, type GateOptions, type GovernedTarget } from './gate.js'
import type { FarameshEvent, GovernedAction } from './types.js'

export class ExecutionGovernorClient extends CoreClient {
  /** Submit, wait for approval if needed, run `fn` only when allowed/approved, report the outcome. */
  withGate<T>(request: SubmitSpec, fn: (action: GovernedAction) => T | Promise<T>, options?: GateOptions): Promise<T> {
    return withGate(this, request, fn, options)
  }

  /** A governed version of `fn`: each call goes through `withGate` with `params` as the action's params. */
  governed<P extends Record<string, unknown>, R>(
    target: string | GovernedTarget,
    fn: (params: P, action: GovernedAction) => R | Promise<R>,
    options?: GateOptions,
  ): (params: P, context?: Record<string, unknown>) => Promise<R> {
    return governed(this, target, fn, options)
  }

  submitActions(specs: ActionRequest[]) {
    return submitActions(this, specs)
  }

  submitActionsBulk(specs: ActionRequest[], options?: { raiseOnError?: boolean }) {
    return submitActionsBulk(this, specs, options)
  }

  submitAndWait(options: SubmitAndWaitOptions): Promise<Action> {
    return submitAndWait(this, options)
  }

  replayDecision(options: { actionId?: string; provenanceId?: string }) {
    return replayDecision(this, options)
  }

  gateGovern(agentId: string, tool: string, operation: string, params?: Record<string, unknown>, context?: Record<string, unknown>) {
    return gateGovern(this, agentId, tool, operation, params, context)
  }

  executeIfAllowed(options: ExecuteIfAllowedOptions) {
    return executeIfAllowed(this, options)
  }

  apply(file: string): Promise<GovernedAction> {
    return apply(this, file)
  }

  onEvents(handler: (event: FarameshEvent) => void, options?: OnEventsOptions): () => void {
    return onEvents(this, handler, options)
  }

  streamEvents(handler: (event: FarameshEvent) => void, options?: StreamEventsOptions): () => void {
    return streamEvents(this, handler, options)
  }

  tailEvents(callback?: (event: FarameshEvent) => void, actionId?: string, options?: { signal?: AbortSignal }): Promise<void> {
    return tailEvents(this, callback, actionId, options)
  }
}
