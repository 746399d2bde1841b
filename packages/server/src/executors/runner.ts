// Runs handed-off actions off the request path. Right before running it re-reads the action and re-checks status
// and request_hash (CONTRACT.md § Execution): nothing runs unless it is still executing, unchanged, and was
// allowed by policy or approved for exactly this request.
import { requestHash } from '@faramesh/policy-core'
import type { ActionRecord, Ledger } from '@faramesh/ledger'
import { normalizeRequest } from '../decide.js'
import type { Logger } from '../logger.js'
import type { ExecOutcome, Executor } from './types.js'

export interface RunnerOptions {
  ledger: Ledger
  executors: readonly Executor[]
  logger: Logger
  /** FARAMESH_ACTION_TIMEOUT: seconds, used when context.timeout is absent. */
  defaultTimeoutSec: number
  /** Called with the final action after the runner recorded the outcome. */
  onFinished?: (action: ActionRecord) => void
}

export interface ExecutorRunner {
  /** The executor that runs this tool, if any. */
  executorFor(tool: string): Executor | undefined
  schedule(actionId: string): void
  /** Resolves when nothing is running. */
  idle(): Promise<void>
  /** Abort running commands, wait for their outcomes to be recorded. */
  close(): Promise<void>
}

export const MAX_TIMEOUT_SEC = 3600

export function timeoutFor(action: ActionRecord, fallback: number): number {
  const t = Number(action.context.timeout)
  return Number.isFinite(t) && t > 0 ? Math.min(t, MAX_TIMEOUT_SEC) : Math.min(fallback, MAX_TIMEOUT_SEC)
}

async function refusal(ledger: Ledger, rec: ActionRecord): Promise<string | null> {
  if (rec.status !== 'executing') return `status is ${rec.status}`
  if (!rec.request_hash || requestHash(normalizeRequest(rec)) !== rec.request_hash) return 'request_hash mismatch'
  if (rec.decision === 'allow') return null
  const events = await ledger.getEvents(rec.id)
  const approved = events.some((e) => e.event_type === 'approved' && e.meta.request_hash === rec.request_hash)
  return approved ? null : 'no approval bound to this request_hash'
}

export function createExecutorRunner(opts: RunnerOptions): ExecutorRunner {
  const byTool = new Map<string, Executor>()
  for (const ex of opts.executors) for (const t of ex.tools) byTool.set(t, ex)
  const running = new Set<Promise<void>>()
  const abort = new AbortController()

  async function finish(rec: ActionRecord, out: ExecOutcome): Promise<void> {
    const to = out.success ? 'succeeded' : 'failed'
    try {
      const { action } = await opts.ledger.transition(rec.id, {
        from: ['executing'],
        to,
        patch: { result: out.result, error: out.error },
        event: { event_type: to, meta: { ...out.meta, error: out.error } },
      })
      opts.onFinished?.(action)
    } catch (err) {
      // The agent may have reported a result first; the first outcome recorded wins.
      opts.logger.warn('executor outcome not recorded', { action_id: rec.id, error: (err as Error).message })
    }
  }

  async function run(id: string): Promise<void> {
    const rec = await opts.ledger.getAction(id)
    if (!rec) return
    const ex = byTool.get(rec.tool)
    if (!ex) return
    const why = await refusal(opts.ledger, rec)
    if (why) {
      opts.logger.warn('executor refused to run action', { action_id: id, reason: why })
      if (rec.status === 'executing') {
        await finish(rec, { success: false, error: `not executed: ${why}`, result: {}, meta: { executor: ex.id } })
      }
      return
    }
    const out = await ex.run(rec, { timeoutSec: timeoutFor(rec, opts.defaultTimeoutSec), signal: abort.signal })
    await finish(rec, out)
  }

  return {
    executorFor: (tool) => byTool.get(tool),
    schedule(actionId) {
      if (abort.signal.aborted) return
      const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => run(actionId))
        .catch((err: unknown) => opts.logger.error('executor failed', { action_id: actionId, error: String(err) }))
        .finally(() => running.delete(p))
      running.add(p)
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running])
    },
    async close() {
      abort.abort()
      await this.idle()
    },
  }
}
