// The CLI's view of a running gateway, over the SDK's operator client (the one HTTP client of the repository).
// Commands talk to this, never to fetch directly.
import type { Action, ActionEvent, ActionStatus, ActionRequest, GateDecision, PolicyInfo } from '@faramesh/policy-core'
import type { FarameshEvent } from '@faramesh/sdk'
import { OperatorClient } from '@faramesh/sdk/operator'
import type { Permission, Principal } from '@faramesh/server/tokens'
import type { ApiTarget } from '../config.js'
import { CliError } from '../errors.js'
import { toCliError } from '../exit-codes.js'
import { shortId } from '../output/format.js'
import { isFullId, normalizeIdInput, resolveAction } from '../prefix.js'

export interface ListQuery {
  limit?: number
  offset?: number
  status?: string
  tool?: string
  agent_id?: string
  risk_level?: string
}

export interface StreamOptions {
  actionId?: string
  signal: AbortSignal
  onOpen?: () => void
}

/** Stop scanning after this many actions; an older prefix needs more characters or the full id. */
const SCAN_LIMIT = 50000

export function createGateway(target: ApiTarget) {
  const client = new OperatorClient({
    baseUrl: target.baseUrl,
    ...(target.token ? { token: target.token } : {}),
    // An operator waits at a prompt: fail fast and say why instead of retrying with backoff.
    maxRetries: 0,
    throwOnDeny: false,
    failMode: 'failClosed',
    sse: false,
  })

  const getOrNull = async (id: string): Promise<Action | null> => {
    try {
      return await client.getAction(id)
    } catch (err) {
      if (toCliError(err).code === 'NOT_FOUND') return null
      throw err
    }
  }

  const findByPrefix = (prefix: string, limit: number): Promise<Action[]> => client.findByIdPrefix(prefix, { limit, scanLimit: SCAN_LIMIT })

  /** Who the gateway says the caller is (GET /v1/auth/whoami); null when it cannot say (an older gateway). */
  const whoami = async (): Promise<Principal | null> => {
    try {
      const w = (await client.whoami({ timeoutMs: 5000 })) as { name?: unknown; role?: unknown }
      const { ROLES } = await import('@faramesh/server/tokens')
      if (typeof w.name !== 'string' || !(ROLES as readonly unknown[]).includes(w.role)) return null
      return { name: w.name, role: w.role as Principal['role'], kind: 'scoped', agentId: null }
    } catch {
      return null
    }
  }

  /**
   * A prefix is looked up in GET /v1/actions, which shows an agent token only the actions it submitted: a prefix
   * of anyone else's action finds nothing. Say that, instead of "no such action", and when the command needs a
   * right the caller does not have (`need`), answer with the gateway's own 403 for that role.
   */
  const explainNoMatch = async (err: CliError, need: Permission | undefined): Promise<never> => {
    const who = await whoami()
    if (!who) throw err
    const { can, requirePermission } = await import('@faramesh/server/tokens')
    if (need) requirePermission(who, need)
    if (can(who, 'read_all')) throw err
    throw new CliError('NOT_FOUND', `${err.message} among the actions role ${who.role} can read (only the ones it submitted)`, {
      hint: 'Pass the full action id.',
      cause: err,
    })
  }

  /** POST /approval as the caller (approver/admin identity; CONTRACT.md § Approvals), with no token read first. */
  const decideApproval = async (id: string, approve: boolean, reason?: string): Promise<Action> => {
    try {
      return await client.answerApproval(id, approve, reason ? { reason } : {})
    } catch (err) {
      // The gateway's 409 keeps the original's wording (`Action is not in pending_approval status`): say what it is.
      if (toCliError(err).code !== 'CONFLICT') throw err
      const now = await getOrNull(id).catch(() => null)
      if (!now || now.status === 'pending_approval') throw err
      throw new CliError('CONFLICT', `Action ${shortId(id)} is not pending approval: its status is ${now.status}`, {
        details: { id, status: now.status },
        cause: err,
      })
    }
  }

  /** A full id or a unique prefix → the action (NOT_FOUND / AMBIGUOUS_ID otherwise). */
  const resolve = async (idOrPrefix: string, need?: Permission): Promise<Action> => {
    try {
      return await resolveAction({ get: getOrNull, findByPrefix }, idOrPrefix)
    } catch (err) {
      if (err instanceof CliError && err.code === 'NOT_FOUND' && !isFullId(normalizeIdInput(idOrPrefix))) return explainNoMatch(err, need)
      throw err
    }
  }

  return {
    target,
    client,

    resolve,

    /**
     * The id a command acting on one action sends: a full id as typed (the gateway answers for it, whatever the
     * caller may read), else the action a unique prefix names.
     */
    async resolveId(idOrPrefix: string, need?: Permission): Promise<string> {
      const input = normalizeIdInput(idOrPrefix)
      return isFullId(input) ? input : (await resolve(input, need)).id
    },

    async list(q: ListQuery): Promise<Action[]> {
      // listActions has no risk filter; the gateway has (risk_level): ask for the page as filtered then.
      if (q.risk_level) return (await client.listPage(q)).items
      return client.listActions({ ...q, status: q.status as ActionStatus | undefined })
    },

    async events(id: string): Promise<ActionEvent[]> {
      return client.getEvents(id)
    },

    async approve(id: string, reason?: string): Promise<Action> {
      return decideApproval(id, true, reason)
    },

    async deny(id: string, reason?: string): Promise<Action> {
      return decideApproval(id, false, reason)
    },

    async replay(id: string): Promise<Action> {
      return client.replayAction(id, { throwOnDeny: false })
    },

    async decide(request: ActionRequest): Promise<GateDecision> {
      return client.decide(request)
    },

    async policyInfo(): Promise<PolicyInfo> {
      return client.getPolicyInfo()
    },

    async health(timeoutMs = 2000): Promise<unknown> {
      return client.health({ timeoutMs })
    },

    async publicKey(): Promise<{ key_id: string; public_key_pem: string }> {
      return client.publicKey()
    },

    async exportNdjson(fromSeq?: number): Promise<string> {
      return client.exportLedger(fromSeq, { timeoutMs: 120000 })
    },

    /** The gateway's own verify (GET /v1/ledger/verify): verify-log takes its check of the actions table. */
    async ledgerVerify(): Promise<Record<string, unknown>> {
      return client.verifyLedger({ timeoutMs: 300000 })
    },

    /** Calls `onFrame` for every SSE frame until `signal` aborts; rejects if the first connection fails. */
    stream(onFrame: (frame: FarameshEvent) => void, o: StreamOptions): Promise<void> {
      return new Promise((resolve, reject) => {
        let opened = false
        const sub = client.subscribe(onFrame, {
          ...(o.actionId ? { actionId: o.actionId } : {}),
          signal: o.signal,
          onOpen: () => {
            if (!opened) o.onOpen?.()
            opened = true
          },
          onError: (err: Error) => {
            if (opened && toCliError(err).code === 'CONNECTION') return // the subscription reconnects with Last-Event-ID
            sub.close()
            reject(err)
          },
        })
        o.signal.addEventListener('abort', () => resolve(), { once: true })
      })
    },
  }
}

export type Gateway = ReturnType<typeof createGateway>
