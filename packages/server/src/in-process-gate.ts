// The in-process gate: what @faramesh/mcp's GatePort needs, served by the gateway's own service for one principal
// (the HTTP gateway's MCP sessions). Structurally that GatePort (the server never imports @faramesh/mcp): every
// method makes the same checks as its route (permission, schema, agent binding, own actions only) and fails closed by
// throwing an ApiError. What only an in-process caller can add:
// - `holder` = this gateway's lease id in the created meta: if this process dies while a call is held, the next
//   gateway to start times the action out (held-orphans.ts), so it can never be approved and run later;
// - an allowed call is started in the same commit (executor "mcp", gateway = lease), and an approved one when the
//   relay starts it: a crash while the upstream runs it is failed by the orphan sweep (orphans.ts);
// - waitForDecision listens to the ledger's change feed, so an approval given through another gateway on the same
//   Postgres (LISTEN/NOTIFY) releases the call here.
import type { Action, ActionRequest, ActionStatus } from '@faramesh/policy-core'
import { LedgerError, type ActionRecord, type Ledger } from '@faramesh/ledger'
import { toApiAction } from './action-view.js'
import type { ActionsService } from './actions-service.js'
import { requirePermission, type Principal } from './auth.js'
import { ApiError, conflict, isApiError } from './errors.js'
import { MAX_GATE_OPERATIONS } from './schemas.js'
import { checkIdempotencyKey } from './submit-ops.js'
import { checkGateOperations, checkResult, checkSubmit, checkWithdraw } from './validate.js'

/** How many started-at-submit actions a gate remembers for a report without a read (see createInProcessGate). */
const MAX_REMEMBERED = 4096

/** The executor name MCP calls are started under (started.meta.executor); no built-in executor claims `mcp:*` tools. */
export const MCP_EXECUTOR = 'mcp'

/** How an MCP call ended, as the relay reports it (a digest of the result, never the content). */
export interface InProcessOutcome {
  success: boolean
  error?: string
  result?: Record<string, unknown>
}

/** @faramesh/mcp's GatePort, structurally. */
export interface InProcessGate {
  submit(request: ActionRequest, idempotencyKey: string): Promise<Action>
  waitForDecision(actionId: string, signal: AbortSignal): Promise<Action>
  start(actionId: string): Promise<'started' | 'closed'>
  report(actionId: string, outcome: InProcessOutcome): Promise<void>
  withdraw(actionId: string, detail: string): Promise<'withdrawn' | 'too_late'>
  deniedOperations(agentId: string, tool: string, operations: string[], context: Record<string, unknown>): Promise<string[]>
}

export interface InProcessGateDeps {
  service: ActionsService
  ledger: Ledger
  /** This gateway process's lease id. */
  leaseId: string
  /** A wait also re-reads the action this often, in case a change-feed notification was lost (default 5 s). */
  pollMs?: number
}

const view = (rec: ActionRecord): Action => toApiAction(rec, { approvalToken: null, examples: false })

/** GatePort's convention (as sdkGate): a person's denial answers with their reason and `decided_by` from the denied event. */
async function decided(ledger: Ledger, rec: ActionRecord): Promise<Action & { decided_by?: string }> {
  const a = view(rec)
  if (rec.status !== 'denied') return a
  const meta = (await ledger.getEvents(rec.id)).findLast((e) => e.event_type === 'denied')?.meta
  const reason = typeof meta?.reason === 'string' && meta.reason ? meta.reason : a.reason
  return typeof meta?.by === 'string' ? { ...a, reason, decided_by: meta.by } : { ...a, reason }
}
const by = (p: Principal): string | null => (p.kind === 'anonymous' ? null : p.name)

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The wait was aborted', 'AbortError')
}

export function createInProcessGate(deps: InProcessGateDeps, p: Principal): InProcessGate {
  const { service, ledger, leaseId } = deps
  const pollMs = deps.pollMs ?? 5000

  async function own(id: string): Promise<ActionRecord> {
    const rec = await service.load(id)
    service.assertOwn(p, rec)
    return rec
  }

  // Actions this gate started at submit and that passed assertOwn for `p` then: submitted_by and agent_id never
  // change, so their report needs no read of the action (a third of the report's cost); the commit still checks the
  // status ('executing' only), and anything else falls back to the read. Each id leaves at its report; the bound only
  // matters for calls whose report never comes (a crash), which then take the read path.
  const startedHere = new Set<string>()
  function rememberStarted(rec: ActionRecord): void {
    if (rec.status !== 'executing') return
    try {
      service.assertOwn(p, rec)
    } catch {
      return
    }
    if (startedHere.size >= MAX_REMEMBERED) startedHere.clear()
    startedHere.add(rec.id)
  }

  return {
    async submit(request, idempotencyKey) {
      requirePermission(p, 'submit')
      const key = checkIdempotencyKey(idempotencyKey)
      // The same schema and agent binding as POST /v1/actions; the approval token is never handed to the MCP channel.
      const body = checkSubmit(JSON.parse(JSON.stringify(request)) as unknown)
      return service.submit(p, body, key, (rec) => (rememberStarted(rec), view(rec)), { holder: leaseId, startAs: { executor: MCP_EXECUTOR, gateway: leaseId } })
    },

    async waitForDecision(actionId, signal) {
      if (signal.aborted) throw abortError(signal)
      await own(actionId)
      // Aborted while the action was read: addEventListener would never fire for it.
      if (signal.aborted) throw abortError(signal)
      return new Promise<Action>((resolve, reject) => {
        let done = false
        let checking = false
        let again = false
        const finish = (err: Error | null, action?: Action): void => {
          if (done) return
          done = true
          unsubscribe()
          clearInterval(timer)
          signal.removeEventListener('abort', onAbort)
          if (action) resolve(action)
          else reject(err ?? new Error('wait ended without a decision'))
        }
        // One read at a time; an event that arrives during a read asks for one more.
        const check = (): void => {
          if (checking) {
            again = true
            return
          }
          checking = true
          service.load(actionId).then(
            async (rec) => {
              checking = false
              if (rec.status !== 'pending_approval') finish(null, await decided(ledger, rec).catch(() => view(rec)))
              else if (again) {
                again = false
                check()
              }
            },
            (err: unknown) => {
              checking = false
              // A store that cannot be read right now is retried at the next poll; a vanished action ends the wait.
              if (isApiError(err) && err.code === 'NOT_FOUND') finish(err)
            },
          )
        }
        const onAbort = (): void => finish(abortError(signal))
        // Subscribed before the first read, so a decision committed in between is not missed.
        const unsubscribe = ledger.subscribe((e) => {
          if (e.action_id === actionId && e.event_type !== 'created' && e.event_type !== 'decision_made') check()
        })
        const timer = setInterval(check, pollMs)
        timer.unref?.()
        signal.addEventListener('abort', onAbort, { once: true })
        check()
      })
    },

    async start(actionId) {
      requirePermission(p, 'execute')
      const rec = await own(actionId)
      if (rec.status === 'executing') {
        // Started at submit (an allowed call) by this gateway: the relay may go ahead.
        const started = (await ledger.getEvents(actionId)).findLast((e) => e.event_type === 'started')
        return started?.meta.executor === MCP_EXECUTOR && started.meta.gateway === leaseId ? 'started' : 'closed'
      }
      try {
        await ledger.transition(actionId, {
          from: ['allowed', 'approved'],
          to: 'executing',
          event: {
            event_type: 'started',
            meta: { by: by(p), executor: MCP_EXECUTOR, executor_id: null, gateway: leaseId, request_hash: rec.request_hash ?? null, started_at: null },
          },
          ...(rec.request_hash ? { expectRequestHash: rec.request_hash } : {}),
        })
        return 'started'
      } catch (err) {
        if (err instanceof LedgerError && err.code === 'INVALID_TRANSITION') return 'closed'
        throw err
      }
    },

    async report(actionId, outcome) {
      requirePermission(p, 'execute')
      const body = checkResult(JSON.parse(JSON.stringify(outcome)) as unknown)
      const to = body.success ? 'succeeded' : 'failed'
      const error = body.success ? null : (body.error ?? 'failed')
      const finish = (from: ActionStatus) =>
        ledger.transition(actionId, {
          from: [from],
          to,
          patch: { result: body.result ?? null, error },
          event: { event_type: to, meta: { by: by(p), error, executor: MCP_EXECUTOR, gateway: leaseId } },
        })
      if (startedHere.delete(actionId)) {
        try {
          await finish('executing')
          return
        } catch (err) {
          // No longer executing (the orphan sweep, a withdraw race): the read below says what it is.
          if (!(err instanceof LedgerError && err.code === 'INVALID_TRANSITION')) throw err
        }
      }
      const rec = await own(actionId)
      // executing: the call ran (started here); allowed or approved: it never ran (the client gave up first), which
      // the relay reports as a failure, as POST /result allows.
      if (rec.status !== 'executing' && rec.status !== 'allowed' && rec.status !== 'approved') {
        throw conflict(`Action is not in executing, allowed or approved status (it is ${rec.status})`)
      }
      try {
        await finish(rec.status)
      } catch (err) {
        if (err instanceof LedgerError && err.code === 'INVALID_TRANSITION') throw conflict(`Action ${actionId} changed status meanwhile; its outcome was not recorded`)
        throw err
      }
    },

    async withdraw(actionId, detail) {
      requirePermission(p, 'submit')
      const body = checkWithdraw({ detail: detail.slice(0, 1000) || 'withdrawn' })
      try {
        await service.withdraw(p, actionId, body.detail!)
        return 'withdrawn'
      } catch (err) {
        if (err instanceof ApiError && err.code === 'CONFLICT') return 'too_late'
        throw err
      }
    },

    async deniedOperations(agentId, tool, operations, context) {
      requirePermission(p, 'decide')
      const denied: string[] = []
      for (let i = 0; i < operations.length; i += MAX_GATE_OPERATIONS) {
        const page = operations.slice(i, i + MAX_GATE_OPERATIONS)
        const body = checkGateOperations(JSON.parse(JSON.stringify({ agent_id: agentId, tool, operations: page, context })) as unknown)
        denied.push(...service.deniedOperations(p, body))
      }
      return denied
    },
  }
}
