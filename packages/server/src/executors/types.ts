import type { ActionRecord } from '@faramesh/ledger'

/** What an executor reports; becomes the action's `result`/`error` and the final event's meta. */
export interface ExecOutcome {
  success: boolean
  error: string | null
  result: Record<string, unknown>
  meta: Record<string, unknown>
}

export interface ExecContext {
  /** Seconds the run may take before it is killed and the action fails with error "timeout". */
  timeoutSec: number
  /** Aborted when the gateway shuts down. */
  signal: AbortSignal
}

export interface Executor {
  readonly id: string
  /** Tools this executor runs (e.g. shell → ["shell"]). */
  readonly tools: readonly string[]
  run(action: ActionRecord, ctx: ExecContext): Promise<ExecOutcome>
}
