// GatePort over HTTP through @faramesh/sdk (the wrapper's gate). Fail closed whatever the SDK is configured for:
// submits go through the SDK's HTTP client directly, so its failOpen never turns an unreachable gateway into an
// ungoverned run. The two MCP routes (withdraw, gate/operations) have no SDK method (the SDK's bundle budget is full),
// so they are called through the same client. approval_token never leaves this file.
import type { Action, ActionRequest } from '@faramesh/policy-core'
import { FarameshConflictError, FarameshConnectionError, FarameshServerError, FarameshTimeoutError, type CoreClient } from '@faramesh/sdk'
import { McpGateError } from '../errors.js'
import type { CallOutcome, GatePort } from '../types.js'
import { reportTiming, type ReportTimingOptions } from './report-timing.js'

const path = (id: string, tail: string) => {
  if (typeof id !== 'string' || /^\.{0,2}$/.test(id)) throw new TypeError('action id must be a non-empty string')
  return `/v1/actions/${encodeURIComponent(id)}${tail}`
}

/** The action as the relay may see it: no approval token (an admin's or open mode's submit answer carries one). */
function scrub(a: Action): Action {
  if (!a || typeof a !== 'object' || typeof a.id !== 'string' || typeof a.status !== 'string') throw new McpGateError('GATE_UNAVAILABLE', 'The gateway answered without an action')
  const { approval_token: _drop, ...rest } = a
  return { ...rest, approval_token: null }
}

const transient = (e: unknown) => e instanceof FarameshConnectionError || e instanceof FarameshTimeoutError || e instanceof FarameshServerError

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error)
    const t = setTimeout(() => {
      signal.removeEventListener('abort', stop)
      resolve()
    }, ms)
    const stop = () => {
      clearTimeout(t)
      reject(signal.reason as Error)
    }
    signal.addEventListener('abort', stop, { once: true })
  })
}

/**
 * A person's denial keeps the policy's reason on the action; who denied and why is in the denied event. The client's
 * answer should say that (GatePort's `decided_by` convention: an extra field on the returned action).
 */
async function withDecider(client: CoreClient, a: Action): Promise<Action & { decided_by?: string }> {
  const events = await client.getEvents(a.id).catch(() => [])
  const meta = events.findLast((e) => e.event_type === 'denied')?.meta
  const reason = typeof meta?.reason === 'string' && meta.reason ? meta.reason : a.reason
  return typeof meta?.by === 'string' ? { ...a, reason, decided_by: meta.by } : { ...a, reason }
}

export interface SdkGateOptions {
  /** Poll period while a call is held and the gateway offers no stream to this token (default 1000 ms). */
  pollIntervalMs?: number
  /** When reports go out relative to submits (report-timing.ts). */
  reports?: ReportTimingOptions
}

export function sdkGate(client: CoreClient, options: SdkGateOptions = {}): GatePort {
  const t = client.transport
  const pollIntervalMs = options.pollIntervalMs ?? 1000
  const reports = reportTiming(options.reports)
  return {
    async submit(request: ActionRequest, idempotencyKey: string) {
      // Not client.submit: that one honours failOpen. The key makes the SDK's retries safe.
      return scrub(await reports.submitting(() => t.request<Action>('POST', '/v1/actions', { body: request, idempotencyKey, retry: true })))
    },

    async waitForDecision(actionId: string, signal: AbortSignal) {
      // A held call may wait for hours: a gateway restart or a network blip must not end the wait, only the signal.
      for (;;) {
        try {
          const a = scrub(await client.waitForDecision(actionId, { signal, timeoutMs: 2 ** 31 - 1, pollIntervalMs }))
          return a.status === 'denied' ? await withDecider(client, a) : a
        } catch (e) {
          if (signal.aborted || !transient(e)) throw e
          await pause(pollIntervalMs, signal)
        }
      }
    },

    async start(actionId: string) {
      try {
        await t.request<Action>('POST', path(actionId, '/start'), { body: {} })
        return 'started'
      } catch (e) {
        if (e instanceof FarameshConflictError) return 'closed'
        throw e
      }
    },

    async report(actionId: string, outcome: CallOutcome) {
      // Retried on a blip: a repeat after a lost success answer gets 409, which changes nothing recorded.
      const body = { success: outcome.success, ...(outcome.error !== undefined ? { error: outcome.error } : {}), ...(outcome.result !== undefined ? { result: outcome.result } : {}) }
      // Not while a submit is in flight: the gateway would commit the report first and the submit after it.
      await reports.turn()
      await t.request<Action>('POST', path(actionId, '/result'), { body, retry: true })
    },

    async withdraw(actionId: string, detail: string) {
      try {
        // Retried on a blip: a repeat after a lost success answer gets 409 ('too_late'), and the relay's report of
        // "not executed" on it is refused in turn, so nothing changes.
        await t.request<Action>('POST', path(actionId, '/withdraw'), { body: { detail: detail.slice(0, 1000) }, retry: true })
        return 'withdrawn'
      } catch (e) {
        if (e instanceof FarameshConflictError) return 'too_late'
        throw e
      }
    },

    async deniedOperations(agentId: string, tool: string, operations: string[], context: Record<string, unknown>) {
      if (operations.length === 0) return []
      const denied: string[] = []
      // The route takes at most 1000 operations per request.
      for (let i = 0; i < operations.length; i += 1000) {
        const body = { agent_id: agentId, tool, operations: operations.slice(i, i + 1000), context }
        const r = await t.request<{ denied?: unknown }>('POST', '/v1/gate/operations', { body, retry: true })
        if (!Array.isArray(r?.denied)) throw new McpGateError('GATE_UNAVAILABLE', 'POST /v1/gate/operations answered without a denied list')
        for (const op of r.denied) if (typeof op === 'string') denied.push(op)
      }
      return denied
    },
  }
}
