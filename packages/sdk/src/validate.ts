// Input checks at the SDK's edge: malformed requests fail here with a typed error naming the field, before
// anything travels (and never as a crash deeper down).
import type { ActionRequest } from '@faramesh/policy-core'
import { FarameshValidationError } from './errors.js'

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** A validation error raised locally, before any request (so no status code). */
export const invalid = (message: string) => new FarameshValidationError(message, { statusCode: undefined })

/** Reject malformed requests before they travel: a typed error naming the field, never a crash. */
export function checkRequest(r: ActionRequest): ActionRequest {
  const bad = (['agent_id', 'tool', 'operation'] as const).find((k) => typeof r?.[k] !== 'string' || !r[k])
  if (bad) throw invalid(`${bad} must be a non-empty string`)
  for (const k of ['params', 'context'] as const) if (r[k] !== undefined && !isObj(r[k])) throw invalid(`${k} must be an object`)
  return { agent_id: r.agent_id, tool: r.tool, operation: r.operation, params: r.params ?? {}, context: r.context ?? {} }
}

/** The id as one path segment; `.` and `..` (and '') would be resolved by the URL parser, and by curl, into another route. */
export function checkId(id: unknown): string {
  if (typeof id !== 'string' || /^\.{0,2}$/.test(id)) throw invalid('action id must be a non-empty string')
  return encodeURIComponent(id)
}
