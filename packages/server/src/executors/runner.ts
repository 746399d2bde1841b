// Runs handed-off actions off the request path. Right before running it re-reads the action and re-checks status
// and request_hash (CONTRACT.md § Execution): nothing runs unless it is still executing, unchanged, and was
// allowed by policy or approved for exactly this request. Whatever happens once an action is handed over (an
// executor that throws, a spawn error, a shutdown, an outcome the store refuses), it ends `succeeded` or `failed`:
// never a stuck `executing`.
import { requestHash } from '@faramesh/policy-core'
import { LedgerError, type ActionRecord, type Ledger } from '@faramesh/ledger'
import { normalizeRequest } from '@faramesh/decision'
import type { Logger } from '../logger.js'
import { localLease, type InstanceLease } from './lease.js'
import { releaseOrphanedHolds, type HeldSweepOptions } from './held-orphans.js'
import { watchHeldCalls, type HeldWatch, type HeldWatchOptions } from './held-watch.js'
import { failOrphanedExecutions } from './orphans.js'
import { timeoutFor } from './timeouts.js'
import type { ExecOutcome, Executor } from './types.js'

export { MAX_TIMEOUT_SEC, timeoutFor } from './timeouts.js'

export interface RunnerOptions {
  ledger: Ledger
  executors: readonly Executor[]
  logger: Logger
  /** FARAMESH_ACTION_TIMEOUT: seconds, used when context.timeout is absent. */
  defaultTimeoutSec: number
  /** This gateway process's lease (default: one that knows only itself, so nothing of others is ever failed). */
  lease?: InstanceLease
  clock?: () => Date
  /** Called with the final action after the runner recorded the outcome. */
  onFinished?: (action: ActionRecord) => void
}

export interface ExecutorRunner {
  /** The executor that runs this tool, if any. */
  executorFor(tool: string): Executor | undefined
  /** This process's lease id: `started` events of the executions it owns record it as `gateway`. */
  readonly leaseId: string
  schedule(actionId: string): void
  /** Fail the executions of gateway processes that are gone (at start); resolves with how many. */
  recoverOrphans(): Promise<number>
  /** Time out the MCP calls held by gateway processes that are gone (at start); resolves with how many. */
  releaseOrphanedHolds(o?: Pick<HeldSweepOptions, 'startGraceMs'>): Promise<number>
  /** From now until close(): release held MCP calls nobody will forward any more, every intervalMs (held-watch.ts). */
  watchHeldCalls(o: HeldWatchOptions): void
  /** Resolves when nothing is running. */
  idle(): Promise<void>
  /** Abort running commands, wait for their outcomes to be recorded. */
  close(): Promise<void>
}

/** Waits between attempts to record an outcome while the store is unavailable (about 30 s in all). */
const RETRY_MS = [250, 500, 1000, 2000, 4000, 8000, 8000, 8000]

async function refusal(ledger: Ledger, rec: ActionRecord): Promise<string | null> {
  if (rec.status !== 'executing') return `status is ${rec.status}`
  if (!rec.request_hash || requestHash(normalizeRequest(rec)) !== rec.request_hash) return 'request_hash mismatch'
  if (rec.decision === 'allow') return null
  const events = await ledger.getEvents(rec.id)
  const approved = events.some((e) => e.event_type === 'approved' && e.meta.request_hash === rec.request_hash)
  return approved ? null : 'no approval bound to this request_hash'
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err))

export function createExecutorRunner(opts: RunnerOptions): ExecutorRunner {
  const byTool = new Map<string, Executor>()
  for (const ex of opts.executors) for (const t of ex.tools) byTool.set(t, ex)
  const lease = opts.lease ?? localLease()
  const running = new Set<Promise<unknown>>()
  const abort = new AbortController()
  let heldWatch: HeldWatch | null = null
  const orphanDeps = () => ({
    ledger: opts.ledger,
    lease,
    logger: opts.logger,
    clock: opts.clock ?? (() => new Date()),
    ...(opts.onFinished ? { onFailed: opts.onFinished } : {}),
  })

  function track<T>(p: Promise<T>): Promise<T> {
    running.add(p)
    void p.finally(() => running.delete(p)).catch(() => undefined)
    return p
  }

  async function record(id: string, out: ExecOutcome): Promise<ActionRecord> {
    const to = out.success ? 'succeeded' : 'failed'
    const { action } = await opts.ledger.transition(id, {
      from: ['executing'],
      to,
      patch: { result: out.result, error: out.error },
      event: { event_type: to, meta: { ...out.meta, error: out.error } },
    })
    return action
  }

  async function finish(id: string, outcome: ExecOutcome): Promise<void> {
    let out = outcome
    for (let attempt = 0; ; attempt++) {
      let action: ActionRecord
      try {
        action = await record(id, out)
      } catch (err) {
        const code = err instanceof LedgerError ? err.code : null
        if (code === 'INVALID_TRANSITION' || code === 'NOT_FOUND') {
          // Recorded by someone else first (a gateway that judged this one dead): the first outcome recorded wins.
          opts.logger.warn('executor outcome not recorded', { action_id: id, error: message(err) })
          return
        }
        if ((code === 'INVALID_INPUT' || code === null) && out === outcome) {
          // An outcome the store cannot hold (an executor's result that is not JSON): a failure with the reason.
          const error = `executor outcome not storable: ${message(err)}`
          out = { success: false, error, result: {}, meta: { executor: typeof outcome.meta.executor === 'string' ? outcome.meta.executor : null } }
          continue
        }
        if (code !== 'STORE_UNAVAILABLE' || attempt >= RETRY_MS.length || abort.signal.aborted) {
          // Left executing under this gateway's lease: once it stops, the next gateway to start fails it (GATEWAY_STOPPED).
          opts.logger.error('executor outcome lost', { action_id: id, outcome: out.error ?? 'succeeded', error: message(err) })
          return
        }
        await new Promise((r) => setTimeout(r, RETRY_MS[attempt]))
        continue
      }
      opts.onFinished?.(action)
      return
    }
  }

  async function run(id: string): Promise<void> {
    let executor: string | null = null
    let out: ExecOutcome
    try {
      const rec = await opts.ledger.getAction(id)
      if (!rec) return
      const ex = byTool.get(rec.tool)
      if (!ex) return
      executor = ex.id
      const why = await refusal(opts.ledger, rec)
      if (why) {
        opts.logger.warn('executor refused to run action', { action_id: id, reason: why })
        if (rec.status !== 'executing') return
        out = { success: false, error: `not executed: ${why}`, result: {}, meta: { executor: ex.id } }
      } else if (abort.signal.aborted) {
        out = { success: false, error: 'aborted: gateway shutting down', result: {}, meta: { executor: ex.id } }
      } else {
        out = await ex.run(rec, { timeoutSec: timeoutFor(rec, opts.defaultTimeoutSec), signal: abort.signal })
      }
    } catch (err) {
      opts.logger.error('executor failed', { action_id: id, error: message(err) })
      out = { success: false, error: `executor error: ${message(err)}`, result: {}, meta: { executor } }
    }
    await finish(id, out)
  }

  return {
    executorFor: (tool) => byTool.get(tool),
    leaseId: lease.id,
    schedule(actionId) {
      // Also while closing: the action is already `executing`, and run() records it as aborted.
      void track(new Promise<void>((resolve) => setImmediate(resolve)).then(() => run(actionId))).catch((err: unknown) =>
        opts.logger.error('executor failed', { action_id: actionId, error: message(err) }),
      )
    },
    recoverOrphans() {
      return track(failOrphanedExecutions(orphanDeps()))
    },
    releaseOrphanedHolds(o = {}) {
      return track(releaseOrphanedHolds(orphanDeps(), o))
    },
    watchHeldCalls(o) {
      if (heldWatch || abort.signal.aborted) return
      heldWatch = watchHeldCalls(orphanDeps(), o)
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running])
    },
    async close() {
      abort.abort()
      await heldWatch?.stop()
      await this.idle()
    },
  }
}
