// The action lifecycle (CONTRACT.md § Actions, § Approvals): submit, approve/deny, start, report, expire. Routes
// and the demo seed call these; every state change is one compare-and-set ledger transition with its event.
import { randomUUID } from 'node:crypto'
import { deniedForAnyParams, STATUS_BY_DECISION, type ActionStatus, type GateDecision } from '@faramesh/policy-core'
import { LedgerError, type ActionRecord, type Ledger } from '@faramesh/ledger'
import type { ApprovalTokens } from './approval-tokens.js'
import { can, seesApprovalTokens, type Principal } from './auth.js'
import { decide } from '@faramesh/decision'
import { actionNotFound, ApiError, conflict, forbidden, validationError } from './errors.js'
import type { ExecutorRunner } from './executors/runner.js'
import { policyLabels, timed, type Metrics } from './metrics.js'
import type { PolicySource } from './policy-source.js'
import type { ApprovalBody, GateOperationsBody, ResultBody, StartBody, SubmitBody } from './schemas.js'

export interface ServiceDeps {
  ledger: Ledger
  policy: PolicySource
  metrics: Metrics
  clock: () => Date
  runner: ExecutorRunner
  approvalTtlMs: number
  approvalTokens: ApprovalTokens
  /** Undefined to go ahead; else a promise to wait for first (the SSE fan-out catching up, sse-hub.ts). */
  admission?: () => Promise<void> | undefined
}


export const NOT_PENDING = 'Action is not in pending_approval status'
/** The `reason` of the timeout event of a call its submitter gave up on (POST /v1/actions/{id}/withdraw). */
export const WITHDRAWN = 'withdrawn'
export const IDEMPOTENCY_REUSED = 'Idempotency-Key was already used for a different request'

/** The agent_id of a submit body: top level, else context.agent_id (the class-style SDK). */
export function agentIdOf(body: SubmitBody): string {
  const fromCtx = body.context?.agent_id
  const id = body.agent_id ?? (typeof fromCtx === 'string' ? fromCtx : undefined)
  if (typeof id !== 'string' || id === '') {
    throw validationError([{ loc: ['body', 'agent_id'], msg: 'field required', type: 'value_error.missing' }])
  }
  return id
}

/**
 * The request an agent token may make: it acts for one agent (CONTRACT.md § Auth), so a body that names no agent gets
 * that agent's id, and one that names another (at the top level or in context.agent_id, which the class-style SDK
 * sends) is refused. Callers with no agent of their own (admin, the single token, open mode) may name any agent.
 */
export function bindAgent(p: Principal, body: SubmitBody): SubmitBody {
  const own = p.agentId
  if (own === null) return body
  const ctx = body.context?.agent_id
  for (const claimed of [body.agent_id, ctx]) {
    if (claimed !== undefined && claimed !== own) {
      throw forbidden(`Token ${JSON.stringify(p.name)} acts for agent ${JSON.stringify(own)}, not ${JSON.stringify(claimed)}`)
    }
  }
  return body.agent_id === undefined ? { ...body, agent_id: own } : body
}

/** What an in-process submitter (the MCP gate) adds to a submit; HTTP submits use none of it. */
export interface SubmitOptions {
  /** Recorded as `holder` in the created meta: the gateway process holding the call (its lease id). */
  holder?: string
  /**
   * An allowed action is started in the same commit (`started` {executor, gateway}), so a crash of that gateway while
   * the call runs is failed by the orphan sweep at the next start rather than left `allowed`.
   */
  startAs?: { executor: string; gateway: string }
}

export function createActionsService(deps: ServiceDeps) {
  const { ledger, metrics, clock } = deps
  const now = (): string => clock().toISOString()
  const labels = policyLabels(deps.policy)
  const counted = (a: ActionRecord): ActionRecord => (metrics.countAction(a.status, labels.tool(a.tool)), a)

  async function load(id: string): Promise<ActionRecord> {
    const rec = await ledger.getAction(id)
    if (!rec) throw actionNotFound()
    return rec
  }

  /**
   * Agents touch only what they submitted for their own agent; every other role reads everything. The name alone is
   * not enough: a token may reuse a revoked or expired token's name while acting for another agent.
   */
  function assertOwn(p: Principal, rec: ActionRecord): void {
    if (can(p, 'read_all')) return
    if (rec.submitted_by !== p.name || (p.agentId !== null && rec.agent_id !== p.agentId)) throw forbidden('Not your action')
  }

  async function move(id: string, req: Parameters<Ledger['transition']>[1], conflictMsg: string) {
    try {
      const out = await timed(metrics, 'transition', () => ledger.transition(id, req))
      counted(out.action)
      return out
    } catch (err) {
      if (err instanceof LedgerError && err.code === 'INVALID_TRANSITION') throw conflict(conflictMsg)
      throw err
    }
  }

  /** The action stored under this key, if any: the same request gets it back (token not re-shown), another is a 422. */
  async function replay(scope: string, key: string, requestHash: string | null | undefined) {
    const earlier = await ledger.findByIdempotencyKey(scope, key)
    if (!earlier) return null
    if (earlier.request_hash !== (requestHash ?? null)) throw new ApiError('VALIDATION', IDEMPOTENCY_REUSED)
    return earlier
  }

  /**
   * An approved MCP call held by a gateway's in-process gate (its created event names the `holder`): that gateway
   * starts and reports it (in-process-gate.ts, straight on the ledger). Through the API, its agent could start it
   * first and report a result for a call that was never forwarded, so the relay finds it closed and the ledger keeps
   * the forgery. Only `approved` is looked at: an allowed held call is `executing` from its submit on, which the
   * executor check of report() already covers, and actions without a holder (HTTP submits) pay no read.
   */
  async function assertNotHeld(rec: ActionRecord): Promise<void> {
    if (rec.status !== 'approved' || !rec.tool.startsWith('mcp:')) return
    const created = (await ledger.getEvents(rec.id)).find((e) => e.event_type === 'created')
    if (typeof created?.meta.holder === 'string') {
      throw conflict('Action is an MCP call held by the gateway that forwards it; only that gateway starts it and reports its outcome')
    }
  }

  return {
    load,
    assertOwn,

    /** The approval token of a stored action as `p` may see it: approvers and admins, while it is pending; else null. */
    approvalTokenFor(p: Principal, rec: ActionRecord): string | null {
      return seesApprovalTokens(p) ? deps.approvalTokens.reveal(rec, now()) : null
    },

    /** Decide a request on behalf of `p` (whose agent token, if any, fixes the agent_id). */
    decideRequest(p: Principal, body: SubmitBody, route: string): GateDecision {
      const end = metrics.decisionTimer(route)
      const bound = bindAgent(p, body)
      const d = decide(deps.policy.current(), { ...bound, agent_id: agentIdOf(bound) })
      end()
      return d
    },

    /**
     * Which operations the policy denies for `p`'s agent whatever their params (POST /v1/gate/operations): the MCP
     * relay leaves those tools out of tools/list. Stores nothing; a call to one of them is still gated on its own.
     */
    deniedOperations(p: Principal, body: GateOperationsBody): string[] {
      const bound = bindAgent(p, { tool: body.tool, operation: '', ...(body.agent_id === undefined ? {} : { agent_id: body.agent_id }), ...(body.context ? { context: body.context } : {}) })
      const agent_id = agentIdOf(bound)
      const snap = deps.policy.current()
      const tools = snap.profile?.allowed_tools
      // A profile that failed to load halts everything; one that does not list the tool halts every call to it.
      if (snap.profileError || (tools && !tools.includes('*') && !tools.includes(body.tool))) return [...body.operations]
      const context = body.context ?? {}
      return body.operations.filter((operation) => deniedForAnyParams(snap.policy, { agent_id, tool: body.tool, operation, context }))
    },

    /**
     * Decide, record, and answer with `render(action, token)`. `render` runs as soon as the action is staged, before
     * its write commits, so the answer is ready the moment the commit is (the submit route renders its JSON text then);
     * it is returned only once the write committed. `token` is the clear approval token of a new pending action.
     */
    async submit<T>(
      p: Principal,
      body: SubmitBody,
      idempotencyKey: string | undefined,
      render: (action: ActionRecord, token: string | null) => T,
      opts?: SubmitOptions,
    ): Promise<T> {
      const d = this.decideRequest(p, body, '/v1/actions')
      // One key names one action per submitter (the principal, else the agent when auth is off).
      const scope = p.kind === 'anonymous' ? d.agent_id : p.name
      if (idempotencyKey !== undefined) {
        const earlier = await replay(scope, idempotencyKey, d.request_hash)
        if (earlier) return render(earlier, null)
      }
      // While the SSE fan-out is far behind, new actions wait for it instead of piling up events it cannot deliver.
      const wait = deps.admission?.()
      if (wait) await wait
      const startAs = d.decision === 'allow' ? opts?.startAs : undefined
      const status: ActionStatus = startAs ? 'executing' : STATUS_BY_DECISION[d.decision]
      const at = now()
      const id = randomUUID()
      const issued = status === 'pending_approval' ? deps.approvalTokens.issue({ id, request_hash: d.request_hash }) : null
      // One literal in column order (not a rest/spread copy of the decision): a fast object with a stable shape for the
      // ledger's row encoder, and no intermediate copy. ActionRecord's type makes a new column a compile error.
      const rec: ActionRecord = {
        id,
        agent_id: d.agent_id,
        tool: d.tool,
        operation: d.operation,
        params: body.params ?? {},
        context: body.context ?? {},
        status,
        decision: d.decision,
        reason: d.reason,
        risk_level: d.risk_level,
        policy_version: d.policy_version,
        approval_token_hash: issued ? issued.stored : null,
        approval_expires_at: issued ? new Date(clock().getTime() + deps.approvalTtlMs).toISOString() : null,
        submitted_by: p.kind === 'anonymous' ? null : p.name,
        result: null,
        error: null,
        created_at: at,
        updated_at: at,
        outcome: d.outcome,
        reason_code: d.reason_code,
        reason_details: d.reason_details,
        risk_rule: d.risk_rule,
        rule_index: d.rule_index,
        request_hash: d.request_hash,
        policy_hash: d.policy_hash,
        profile_id: d.profile_id,
        profile_version: d.profile_version,
        profile_hash: d.profile_hash,
        runtime_version: d.runtime_version,
        provenance_id: d.provenance_id,
        idempotency_key: idempotencyKey ?? null,
      }
      const by = p.kind === 'anonymous' ? null : p.name
      const end = metrics.appendTimer('create')
      // Meta keys in code-point order: canonical JSON then takes its fast path (one JSON.stringify, no sort).
      const created = opts?.holder === undefined
        ? { agent_id: d.agent_id, by, operation: d.operation, tool: d.tool }
        : { agent_id: d.agent_id, by, holder: opts.holder, operation: d.operation, tool: d.tool }
      const events: Parameters<Ledger['stageAction']>[1] = [
        { event_type: 'created', meta: created, created_at: at },
        {
          event_type: 'decision_made',
          meta: {
            decision: d.decision,
            outcome: d.outcome,
            policy_version: d.policy_version,
            provenance_id: d.provenance_id,
            reason: d.reason,
            reason_code: d.reason_code,
            request_hash: d.request_hash,
            risk_level: d.risk_level,
            risk_rule: d.risk_rule,
            rule_index: d.rule_index,
          },
          created_at: at,
        },
      ]
      if (startAs) {
        const started = { by, executor: startAs.executor, executor_id: null, gateway: startAs.gateway, request_hash: d.request_hash, started_at: null }
        events.push({ event_type: 'started', meta: started, created_at: at })
      }
      const staged = ledger.stageAction(rec, events)
      let answer: T
      try {
        answer = render(staged.action, issued ? issued.token : null)
      } finally {
        // Whatever render did, the write is awaited below or its failure observed here: never an unhandled rejection.
        staged.written.catch(() => undefined)
      }
      try {
        await staged.written
      } catch (err) {
        // A concurrent submit with the same key won the unique index: answer as if this one came second.
        if (idempotencyKey !== undefined && err instanceof LedgerError && err.code === 'CONFLICT') {
          const earlier = await replay(scope, idempotencyKey, d.request_hash)
          if (earlier) return render(earlier, null)
        }
        throw err
      } finally {
        end()
      }
      counted(staged.action)
      return answer
    },

    async approve(p: Principal, id: string, body: ApprovalBody): Promise<ActionRecord> {
      const rec = await load(id)
      if (rec.status !== 'pending_approval') throw conflict(NOT_PENDING)
      if (body.token != null && body.token !== '') {
        if (!deps.approvalTokens.accepts(rec, body.token)) throw forbidden('Invalid approval token')
      }
      if (p.kind === 'scoped' && rec.submitted_by === p.name) throw forbidden('Self-approval is not allowed')
      if (rec.approval_expires_at && rec.approval_expires_at <= now()) {
        await this.expire(rec).catch(() => undefined)
        throw conflict(`${NOT_PENDING} (approval expired)`)
      }
      const to: ActionStatus = body.approve ? 'approved' : 'denied'
      const by = p.kind === 'anonymous' ? null : p.name
      const { action } = await move(
        id,
        {
          from: ['pending_approval'],
          to,
          patch: { approval_token_hash: null, approval_expires_at: null },
          event: { event_type: to, meta: { by, reason: body.reason ?? null, request_hash: rec.request_hash ?? null } },
          ...(rec.request_hash ? { expectRequestHash: rec.request_hash } : {}),
        },
        NOT_PENDING,
      )
      return action
    },

    /**
     * The submitter gave up on a held call (an MCP client cancelled or disconnected): pending_approval → timeout with
     * {reason: "withdrawn", detail}, so it can no longer be approved and is never run later. Agents withdraw only their
     * own actions; admins any. Anything already decided is a 409.
     */
    async withdraw(p: Principal, id: string, detail: string): Promise<ActionRecord> {
      const rec = await load(id)
      assertOwn(p, rec)
      if (rec.status !== 'pending_approval') throw conflict(`${NOT_PENDING} (it is ${rec.status})`)
      const { action } = await move(
        id,
        {
          from: ['pending_approval'],
          to: 'timeout',
          patch: { approval_token_hash: null, error: `${WITHDRAWN}: ${detail}` },
          event: { event_type: 'timeout', meta: { by: p.kind === 'anonymous' ? null : p.name, detail, reason: WITHDRAWN } },
        },
        NOT_PENDING,
      )
      return action
    },

    async expire(rec: ActionRecord): Promise<ActionRecord> {
      const { action } = await move(
        rec.id,
        {
          from: ['pending_approval'],
          to: 'timeout',
          patch: { approval_token_hash: null, error: 'approval expired' },
          event: { event_type: 'timeout', meta: { reason: 'approval expired', expired_at: rec.approval_expires_at } },
        },
        NOT_PENDING,
      )
      return action
    },

    async start(p: Principal, id: string, body: StartBody | undefined): Promise<ActionRecord> {
      const rec = await load(id)
      assertOwn(p, rec)
      const msg = 'Action is not in allowed or approved status'
      if (rec.status !== 'allowed' && rec.status !== 'approved') throw conflict(msg)
      await assertNotHeld(rec)
      const executor = deps.runner.executorFor(rec.tool)
      const { action } = await move(
        id,
        {
          from: ['allowed', 'approved'],
          to: 'executing',
          event: {
            event_type: 'started',
            meta: {
              by: p.kind === 'anonymous' ? null : p.name,
              executor: executor?.id ?? null,
              executor_id: body?.executor_id ?? null,
              // The gateway process that owns the execution: if it dies, the next gateway to start fails the action.
              ...(executor ? { gateway: deps.runner.leaseId } : {}),
              started_at: body?.started_at ?? null,
              request_hash: rec.request_hash ?? null,
            },
          },
          ...(rec.request_hash ? { expectRequestHash: rec.request_hash } : {}),
        },
        msg,
      )
      if (executor) deps.runner.schedule(id)
      return action
    },

    async report(p: Principal, id: string, body: ResultBody): Promise<ActionRecord> {
      const rec = await load(id)
      assertOwn(p, rec)
      const msg = `Action is not in executing, allowed or approved status (it is ${rec.status})`
      if (rec.status !== 'executing' && rec.status !== 'allowed' && rec.status !== 'approved') throw conflict(msg)
      await assertNotHeld(rec)
      if (rec.status === 'executing') {
        // The gateway's executor records the real outcome (exit code, output); an agent's report must not replace it.
        const started = (await ledger.getEvents(id)).findLast((e) => e.event_type === 'started')
        const executor = started?.meta.executor
        if (typeof executor === 'string') {
          throw conflict(`Action is being run by the gateway's ${executor} executor, which records its outcome; a result cannot be reported for it`)
        }
      }
      const to = body.success ? 'succeeded' : 'failed'
      const error = body.success ? null : (body.error ?? 'failed')
      const { action } = await move(
        id,
        {
          // Only from the status just checked: an action /start handed to an executor meanwhile is not ours to report.
          from: [rec.status],
          to,
          patch: { result: body.result ?? body.meta ?? null, error },
          event: { event_type: to, meta: { by: p.kind === 'anonymous' ? null : p.name, error, meta: body.meta ?? null } },
        },
        msg,
      )
      const startedMs = Date.parse(rec.updated_at)
      if (Number.isFinite(startedMs)) {
        metrics.actionDuration.observe({ tool: labels.tool(rec.tool), operation: labels.operation(rec.operation) }, (clock().getTime() - startedMs) / 1000)
      }
      return action
    },

    /** Time out approvals whose TTL passed (run by the sweeper). */
    async expireDue(limit = 100): Promise<number> {
      const due = await ledger.expiredApprovals(now(), limit)
      let n = 0
      for (const rec of due) {
        try {
          await this.expire(rec)
          n++
        } catch {
          // Approved or denied meanwhile: nothing to expire.
        }
      }
      return n
    },
  }
}

export type ActionsService = ReturnType<typeof createActionsService>
