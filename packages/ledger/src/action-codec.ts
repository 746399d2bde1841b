// How an action record becomes row values and back, for both dialects. The columns and which are JSON come from
// the drizzle schema (src/action-columns.ts is generated from it); column names equal ActionRecord's field names.
import { ACTION_STATUSES } from '@faramesh/policy-core'
import { ACTION_COLUMNS } from './action-columns.js'
import { LedgerError } from './errors.js'
import type { ActionRecord } from './types.js'

export { ACTION_COLUMNS }

export type ActionColumn = keyof typeof ACTION_COLUMNS
export const ACTION_COLUMN_NAMES = Object.keys(ACTION_COLUMNS) as ActionColumn[]
const REQUIRED_TEXT = ['id', 'agent_id', 'tool', 'operation'] as const

/**
 * Row values as both drivers take them: positional, in ACTION_COLUMN_NAMES order (the order of the INSERT's
 * placeholders); JSON columns as JSON text, everything else as is (null when absent). An array also crosses
 * postMessage to the SQLite write worker at about half the cost of an object with 31 keys.
 */
export type RowValues = Array<string | number | null>

export function encodeValue(col: ActionColumn, value: unknown): string | number | null {
  const kind = ACTION_COLUMNS[col]
  if (kind === 'json') {
    // `result` distinguishes "no result" (SQL NULL) from nothing else; absent objects become {} / null.
    if (value === undefined || value === null) return col === 'params' || col === 'context' ? '{}' : null
    return toJson(col, value)
  }
  if (value === undefined || value === null) return null
  if (kind === 'int') {
    if (!Number.isSafeInteger(value)) throw invalid(col, 'an integer')
    return value as number
  }
  if (typeof value !== 'string') throw invalid(col, 'a string')
  return value
}

/**
 * True when `value` is plain JSON data: null, booleans, strings, finite numbers, arrays and plain objects, with no
 * undefined member, no toJSON and no cycle (depth-limited). Such a value needs no replacer to be checked, and its
 * JSON.stringify text parses back to an equal value. A JS walk is far cheaper than a replacer, which V8 calls per
 * member from C++.
 */
export function isPlainJson(value: unknown, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value)
    case 'object': {
      if (value === null) return true
      if (depth >= 32 || 'toJSON' in value) return false
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false
        return true
      }
      const proto = Object.getPrototypeOf(value) as unknown
      if (proto !== Object.prototype && proto !== null) return false
      for (const k of Object.keys(value)) if (!isPlainJson((value as Record<string, unknown>)[k], depth + 1)) return false
      return true
    }
    default:
      return false
  }
}

export function toJson(field: string, value: unknown): string {
  if (isPlainJson(value)) return JSON.stringify(value)
  let text: string | undefined
  try {
    text = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new TypeError('NaN or Infinity')
      return v
    })
  } catch (err) {
    throw new LedgerError('INVALID_INPUT', `${field} is not JSON-serialisable: ${(err as Error).message}`, { field }, err)
  }
  if (text === undefined) throw new LedgerError('INVALID_INPUT', `${field} is not JSON-serialisable`, { field })
  return text
}

/** Validate and fill defaults for a new action; returns the record as it will be read back, and its row. */
export function prepareAction(action: ActionRecord, now: string): { record: ActionRecord; row: RowValues } {
  if (typeof action !== 'object' || action === null) throw new LedgerError('INVALID_INPUT', 'action must be an object')
  for (const f of REQUIRED_TEXT) {
    if (typeof action[f] !== 'string' || action[f] === '') throw invalid(f, 'a non-empty string')
  }
  if (!ACTION_STATUSES.includes(action.status)) throw invalid('status', `one of ${ACTION_STATUSES.join(', ')}`)
  for (const f of ['params', 'context'] as const) {
    const v = action[f] as unknown
    if (v !== undefined && (typeof v !== 'object' || v === null || Array.isArray(v))) throw invalid(f, 'an object')
  }
  return encodeColumns(action, now)
}

/**
 * prepareAction's per-column work written out column by column: named loads and the record as one object literal.
 * A loop over the 31 column names (`action[col]`, `record[col] = …`) made every property access megamorphic: 3.9 µs
 * a call against 1.4 µs this way. Kept by hand and checked against the drizzle schema, the one source: the record's
 * type lists every column of the generated ACTION_COLUMNS, so a new column fails to compile here, and
 * test/schema-source.test.ts (like action-codec.test.ts) fails when the row's order is not the schema's.
 */
function encodeColumns(a: ActionRecord, now: string): { record: ActionRecord; row: RowValues } {
  const e = encodeValue
  // JSON columns: stored as text; the record holds what a read gives back, parsed from that text.
  const params = e('params', a.params) as string
  const context = e('context', a.context) as string
  const result = e('result', a.result)
  const reasonDetails = e('reason_details', a.reason_details)
  const r: { [K in ActionColumn]: unknown } = {
    id: e('id', a.id),
    agent_id: e('agent_id', a.agent_id),
    tool: e('tool', a.tool),
    operation: e('operation', a.operation),
    params,
    context,
    status: e('status', a.status),
    decision: e('decision', a.decision),
    reason: e('reason', a.reason),
    risk_level: e('risk_level', a.risk_level),
    policy_version: e('policy_version', a.policy_version),
    approval_token_hash: e('approval_token_hash', a.approval_token_hash),
    approval_expires_at: e('approval_expires_at', a.approval_expires_at),
    submitted_by: e('submitted_by', a.submitted_by),
    result,
    error: e('error', a.error),
    created_at: e('created_at', a.created_at ?? now),
    updated_at: e('updated_at', a.updated_at ?? now),
    outcome: e('outcome', a.outcome),
    reason_code: e('reason_code', a.reason_code),
    reason_details: reasonDetails,
    risk_rule: e('risk_rule', a.risk_rule),
    rule_index: e('rule_index', a.rule_index),
    request_hash: e('request_hash', a.request_hash),
    policy_hash: e('policy_hash', a.policy_hash),
    profile_id: e('profile_id', a.profile_id),
    profile_version: e('profile_version', a.profile_version),
    profile_hash: e('profile_hash', a.profile_hash),
    runtime_version: e('runtime_version', a.runtime_version),
    provenance_id: e('provenance_id', a.provenance_id),
    idempotency_key: e('idempotency_key', a.idempotency_key),
  }
  const row = [
    r.id, r.agent_id, r.tool, r.operation, params, context, r.status, r.decision, r.reason, r.risk_level,
    r.policy_version, r.approval_token_hash, r.approval_expires_at, r.submitted_by, result, r.error, r.created_at,
    r.updated_at, r.outcome, r.reason_code, reasonDetails, r.risk_rule, r.rule_index, r.request_hash, r.policy_hash,
    r.profile_id, r.profile_version, r.profile_hash, r.runtime_version, r.provenance_id, r.idempotency_key,
  ] as RowValues
  r.params = JSON.parse(params) as unknown
  r.context = JSON.parse(context) as unknown
  r.result = result === null ? null : (JSON.parse(result as string) as unknown)
  r.reason_details = reasonDetails === null ? null : (JSON.parse(reasonDetails as string) as unknown)
  return { record: r as unknown as ActionRecord, row }
}

/** Encode a transition's patch; unknown or immutable fields are refused rather than silently dropped. */
export function encodePatch(patch: Record<string, unknown> | undefined): Array<[ActionColumn, string | number | null]> {
  const out: Array<[ActionColumn, string | number | null]> = []
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === undefined) continue
    if (!(key in ACTION_COLUMNS) || key === 'id' || key === 'status' || key === 'created_at') {
      throw new LedgerError('INVALID_INPUT', `cannot patch field ${key}`, { field: key })
    }
    out.push([key as ActionColumn, encodeValue(key as ActionColumn, value)])
  }
  return out
}

/** Row from the store → record. `jsonParsed` is true when the driver already parsed JSON columns (jsonb). */
export function decodeAction(row: Record<string, unknown>, jsonParsed: boolean): ActionRecord {
  const out: Record<string, unknown> = {}
  for (const col of ACTION_COLUMN_NAMES) {
    const v = row[col]
    if (ACTION_COLUMNS[col] === 'json' && !jsonParsed) out[col] = typeof v === 'string' ? JSON.parse(v) : null
    else if (ACTION_COLUMNS[col] === 'int') out[col] = v === null || v === undefined ? null : Number(v)
    else out[col] = v ?? null
  }
  return out as unknown as ActionRecord
}

function invalid(field: string, what: string): LedgerError {
  return new LedgerError('INVALID_INPUT', `${field} must be ${what}`, { field })
}
