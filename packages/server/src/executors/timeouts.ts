import type { ActionRecord } from '@faramesh/ledger'

export const MAX_TIMEOUT_SEC = 3600

/** context.timeout seconds when valid, else the FARAMESH_ACTION_TIMEOUT fallback; capped at MAX_TIMEOUT_SEC. */
export function timeoutFor(action: ActionRecord, fallback: number): number {
  const t = Number(action.context.timeout)
  return Number.isFinite(t) && t > 0 ? Math.min(t, MAX_TIMEOUT_SEC) : Math.min(fallback, MAX_TIMEOUT_SEC)
}
