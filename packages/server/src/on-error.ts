// The one place errors become HTTP (CONTRACT.md § Errors): typed errors map to their status and a `detail`;
// anything unexpected is a 500 with a generic message and its type, never a stack trace or internal text.
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { LedgerError, unavailableReason, type UnavailableReason } from '@faramesh/ledger'
import { PolicyError } from '@faramesh/policy-core'
import { ApiError } from './errors.js'
import type { Logger } from './logger.js'
import type { Metrics } from './metrics.js'

const LEDGER_STATUS: Record<string, [number, string]> = {
  NOT_FOUND: [404, 'Action not found'],
  INVALID_TRANSITION: [409, 'Action is not in a state that allows this operation'],
  CONFLICT: [409, 'Conflicting update, retry'],
  STORE_UNAVAILABLE: [503, 'Store unavailable: the database cannot be reached, retry shortly'],
  SCHEMA_TOO_NEW: [503, 'Store unavailable: the database schema is newer than this server'],
  CLOSED: [503, 'Store unavailable: the gateway is shutting down'],
  INVALID_INPUT: [422, 'The value cannot be stored'],
}

// Say why, so an operator knows whether to wait, free disk or fix permissions. Reads keep working in each case
// but "unreachable" (they go to the same database).
const UNAVAILABLE_DETAIL: Record<UnavailableReason, string> = {
  disk_full: 'Store unavailable: the disk is full; reads still work',
  read_only: 'Store unavailable: the database is read-only; reads still work',
  io_error: 'Store unavailable: the database file cannot be read or written (I/O error)',
  locked: 'Store unavailable: the database is locked by another writer, retry shortly',
  unreachable: 'Store unavailable: the database cannot be reached, retry shortly',
}

export interface ErrorPayload {
  status: number
  body: { detail: unknown; error_type?: string }
  headers?: Record<string, string>
}

/** Status, body and headers for any thrown value (also used by the node fast lane, so both answer alike). */
export function errorPayload(err: unknown, logger: Logger, metrics: Metrics, path: string): ErrorPayload {
  if (err instanceof ApiError) {
    metrics.errors.inc({ error_type: err.code })
    const detail = err.code === 'VALIDATION' && err.issues ? err.issues : err.message
    return { status: err.status, body: { detail }, ...(err.code === 'UNAUTHORIZED' ? { headers: { 'WWW-Authenticate': 'Bearer' } } : {}) }
  }
  if (err instanceof LedgerError) {
    metrics.errors.inc({ error_type: `LEDGER_${err.code}` })
    const [status, generic] = LEDGER_STATUS[err.code] ?? [500, 'Internal server error']
    const reason = unavailableReason(err)
    const detail = reason ? UNAVAILABLE_DETAIL[reason] : generic
    if (status >= 500) logger.warn('ledger error', { code: err.code, reason, error: err.message })
    return { status, body: { detail } }
  }
  if (err instanceof PolicyError) {
    metrics.errors.inc({ error_type: `POLICY_${err.code}` })
    return { status: 422, body: { detail: err.message } }
  }
  if (err instanceof HTTPException) {
    metrics.errors.inc({ error_type: `HTTP_${err.status}` })
    return { status: err.status, body: { detail: err.message || 'Request failed' } }
  }
  const type = err instanceof Error ? err.constructor.name : typeof err
  metrics.errors.inc({ error_type: type })
  logger.error('unhandled error', { error: err instanceof Error ? err.stack : String(err), path })
  return { status: 500, body: { detail: 'Internal server error', error_type: type } }
}

export function errorResponse(err: unknown, c: Context, logger: Logger, metrics: Metrics): Response {
  const p = errorPayload(err, logger, metrics, c.req.path)
  return c.json(p.body, p.status as 400, p.headers)
}
