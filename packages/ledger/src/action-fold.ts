// What an action's chained events say its stored row must be: a pure fold over the events (verify compares the
// row with it) and, on the write path, the stamp each write adds to its last event so that the fold is complete.
//
// A create's events carry most of the row already (the gateway's `created` meta: agent_id, tool, operation, by;
// `decision_made`: the decision fields and request_hash); params and context follow from request_hash, policy_hash,
// profile_hash and runtime_version from provenance_id. Whatever else the row holds goes into the create's last event
// as `stored` (only what is not null: an allowed submit of the gateway stamps `{}`). A transition records every
// column it writes as `set`; an append, which writes no column, records `set: {}`. JSON columns are recorded by
// digest (`{"sha256": …}` of their canonical JSON), so large results are not copied into the chain. Events written
// before stamps existed are read as the gateway wrote them then; what they cannot vouch for is reported as not
// covered, never as tampering. The README's "The actions table" section is the reference.
import { provenanceId, requestHash, STATUS_BY_DECISION as BY_DECISION } from '@faramesh/policy-core'
import { ACTION_COLUMNS, ACTION_COLUMN_NAMES, type ActionColumn } from './action-codec.js'
import { canonicalJson, quote, sha256Hex } from './canonical.js'
import type { ActionRecord } from './types.js'

/** Meta key of a create's last event: the row's columns its events do not otherwise say. */
export const CREATE_STAMP = 'stored'
/** Meta key of a transition's or append's event: every column the write set (`{}` for an append). */
export const WRITE_STAMP = 'set'

/** Every column verify compares; `id` is the join with the events' action_id. In report order. */
export const CHECKED_COLUMNS: readonly ActionColumn[] = ACTION_COLUMN_NAMES.filter((c) => c !== 'id')
const STAMP_ORDER: readonly ActionColumn[] = [...CHECKED_COLUMNS].sort()
const COLUMN_SET: ReadonlySet<string> = new Set(CHECKED_COLUMNS)

/** `created` meta key → column. */
const CREATED_KEYS: ReadonlyArray<readonly [string, ActionColumn]> = [
  ['agent_id', 'agent_id'],
  ['by', 'submitted_by'],
  ['operation', 'operation'],
  ['tool', 'tool'],
]
/** `decision_made` meta keys that name their column. */
const DECISION_KEYS: readonly ActionColumn[] = [
  'decision', 'outcome', 'policy_hash', 'policy_version', 'profile_hash', 'profile_id', 'profile_version', 'provenance_id',
  'reason', 'reason_code', 'reason_details', 'request_hash', 'risk_level', 'risk_rule', 'rule_index', 'runtime_version',
]
/** CONTRACT.md § Actions: a submit becomes allowed, denied or pending_approval by its decision (indexed by any meta value). */
const STATUS_BY_DECISION: Readonly<Record<string, string>> = BY_DECISION
/** Transitions written before stamps: the status each event type moved the action to. */
const LEGACY_STATUS: Readonly<Record<string, string>> = {
  approved: 'approved', denied: 'denied', started: 'executing', succeeded: 'succeeded', failed: 'failed', timeout: 'timeout',
}
/** The columns the gateway's transitions wrote before stamps, besides status and updated_at (git history of the server). */
const LEGACY_PATCHED: readonly ActionColumn[] = ['approval_expires_at', 'approval_token_hash', 'error', 'result']
const REQUEST_FIELDS: readonly ActionColumn[] = ['agent_id', 'tool', 'operation', 'request_hash']
const PROVENANCE_PARTS: readonly ActionColumn[] = ['policy_hash', 'profile_hash', 'runtime_version']
const PROVENANCE_INPUTS: readonly ActionColumn[] = ['request_hash', 'provenance_id', ...PROVENANCE_PARTS]

/** What the events say about one column, and the seq of the event that says it. */
export type Expect =
  | { kind: 'value'; value: unknown; seq: number }
  | { kind: 'sha256'; sha256: string; seq: number }
  /** params/context: requestHash of the row's request equals the chained request_hash. */
  | { kind: 'request'; seq: number }
  /** policy_hash/profile_hash/runtime_version: provenanceId of the row equals the chained provenance_id. */
  | { kind: 'provenance'; seq: number }

export type Expected = Partial<Record<ActionColumn, Expect>>

/** An event as the fold reads it (meta parsed). */
export interface FoldEvent {
  seq: number
  event_type: string
  created_at: string
  meta: Record<string, unknown>
}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const value = (v: unknown, seq: number): Expect => ({ kind: 'value', value: v, seq })

/** Canonical JSON, or JSON.stringify for what canonical JSON refuses (a lone surrogate SQLite stored as is). */
function jsonText(v: unknown): string {
  try {
    return canonicalJson(v)
  } catch {
    return JSON.stringify(v) ?? 'null'
  }
}

/** How a stamp records a column's value: JSON columns (other than null) by digest, the rest as they are. */
export function stampValue(col: ActionColumn, v: unknown): unknown {
  if (ACTION_COLUMNS[col] !== 'json' || v === null || v === undefined) return v ?? null
  return { sha256: sha256Hex(jsonText(v)) }
}

function fromStamp(v: unknown, seq: number): Expect {
  if (isObject(v) && typeof v.sha256 === 'string' && Object.keys(v).length === 1) return { kind: 'sha256', sha256: v.sha256, seq }
  return value(v, seq)
}

function sameValue(col: ActionColumn, expected: unknown, actual: unknown): boolean {
  if (ACTION_COLUMNS[col] === 'json') return jsonText(expected ?? null) === jsonText(actual ?? null)
  return expected === actual
}

const valueOf = (x: Expect | undefined): unknown => (x?.kind === 'value' ? x.value : undefined)

/** The columns a create's events say by their metas (gateway conventions, CONTRACT.md § Events). */
function metaFold(group: readonly FoldEvent[]): Expected {
  const x: Expected = {}
  for (const e of group) {
    if (e.event_type === 'created') {
      for (const [k, col] of CREATED_KEYS) if (has(e.meta, k)) x[col] = value(e.meta[k], e.seq)
    } else if (e.event_type === 'decision_made') {
      for (const col of DECISION_KEYS) if (has(e.meta, col)) x[col] = value(e.meta[col], e.seq)
    }
  }
  const d = x.decision
  if (d?.kind === 'value' && typeof d.value === 'string' && has(STATUS_BY_DECISION, d.value)) {
    x.status = value(STATUS_BY_DECISION[d.value], d.seq)
  }
  return x
}

/** request_hash names the request (agent_id, tool, operation, params, context): params and context follow from it. */
function requestDerivable(x: Expected): boolean {
  const h = valueOf(x.request_hash)
  return isDigest(h) && x.agent_id?.kind === 'value' && x.tool?.kind === 'value' && x.operation?.kind === 'value'
}

/** A provenance part derived from provenance_id must be null or a non-empty string without the `|` that joins them. */
const provenancePartOk = (v: unknown): boolean => v === null || (typeof v === 'string' && v !== '' && !v.includes('|'))

const INDEX = new Map<ActionColumn, number>(ACTION_COLUMN_NAMES.map((c, i) => [c, i]))
const at = (c: ActionColumn): number => INDEX.get(c)!
const I = {
  agent_id: at('agent_id'), submitted_by: at('submitted_by'), operation: at('operation'), tool: at('tool'), status: at('status'),
  decision: at('decision'), request_hash: at('request_hash'), provenance_id: at('provenance_id'), created_at: at('created_at'),
  updated_at: at('updated_at'), params: at('params'), context: at('context'),
}
const D = Object.fromEntries(DECISION_KEYS.map((c) => [c, at(c)])) as Record<(typeof DECISION_KEYS)[number], number>
// The stamp's columns in its key order, as parallel arrays: index loops, no per-column allocation.
const STAMP_COLS: readonly ActionColumn[] = STAMP_ORDER
const STAMP_POS: readonly number[] = STAMP_ORDER.map(at)
const STAMP_JSON: readonly boolean[] = STAMP_ORDER.map((c) => ACTION_COLUMNS[c] === 'json')
const STAMP_PART: readonly boolean[] = STAMP_ORDER.map((c) => PROVENANCE_PARTS.includes(c))
const REQUEST_INDEX = REQUEST_FIELDS.map(at)
const PARTS_INDEX = PROVENANCE_PARTS.map(at)
/** Marks a column no meta says (a said value may be null). */
const UNSAID = Symbol('unsaid')
/** createStamp's scratch row of what the metas say (it runs to completion, so one is enough). */
const SAID: unknown[] = new Array<unknown>(ACTION_COLUMN_NAMES.length).fill(UNSAID)

/**
 * A value that can be a sha256 hex digest, as request_hash and provenance_id are: 64 characters. Only a length check,
 * on the submit path; a value of that length that is not the hash just fails verify's comparison with requestHash.
 */
const isDigest = (v: unknown): boolean => typeof v === 'string' && v.length === 64

/** An event of a create, as createStamp reads it (its meta object comes in a parallel array). */
export interface StampEvent {
  event_type: string
  created_at: string
}

/**
 * The stamp of a create (meta key `stored` of its last event), as canonical JSON text: each column of the row its events do not already
 * say, that is neither equal to what the metas say nor null where they say nothing. It runs on the submit path, so it
 * works on the row's values by position (see encodeColumns in action-codec.ts for why) and mirrors, without building
 * it, what foldAction will read: the metas (metaFold), the status by decision, params/context by request_hash,
 * the provenance parts by provenance_id. `row` holds the values as stored (JSON columns as JSON text).
 */
export function createStamp(
  record: ActionRecord,
  row: ReadonlyArray<string | number | null>,
  group: readonly StampEvent[],
  metas: ReadonlyArray<Record<string, unknown>>,
): string {
  const said = SAID.fill(UNSAID)
  for (let g = 0; g < group.length; g++) {
    const e = group[g]!
    const m = metas[g]!
    // Plain JSON metas: a key is present exactly when its value is not undefined. Named loads, written out, are what
    // the gateway's metas (one shape each) make cheap; metaFold reads the same keys.
    if (e.event_type === 'created') {
      if (m.agent_id !== undefined) said[I.agent_id] = m.agent_id
      if (m.by !== undefined) said[I.submitted_by] = m.by
      if (m.operation !== undefined) said[I.operation] = m.operation
      if (m.tool !== undefined) said[I.tool] = m.tool
    } else if (e.event_type === 'decision_made') {
      if (m.decision !== undefined) said[D.decision] = m.decision
      if (m.outcome !== undefined) said[D.outcome] = m.outcome
      if (m.policy_hash !== undefined) said[D.policy_hash] = m.policy_hash
      if (m.policy_version !== undefined) said[D.policy_version] = m.policy_version
      if (m.profile_hash !== undefined) said[D.profile_hash] = m.profile_hash
      if (m.profile_id !== undefined) said[D.profile_id] = m.profile_id
      if (m.profile_version !== undefined) said[D.profile_version] = m.profile_version
      if (m.provenance_id !== undefined) said[D.provenance_id] = m.provenance_id
      if (m.reason !== undefined) said[D.reason] = m.reason
      if (m.reason_code !== undefined) said[D.reason_code] = m.reason_code
      if (m.reason_details !== undefined) said[D.reason_details] = m.reason_details
      if (m.request_hash !== undefined) said[D.request_hash] = m.request_hash
      if (m.risk_level !== undefined) said[D.risk_level] = m.risk_level
      if (m.risk_rule !== undefined) said[D.risk_rule] = m.risk_rule
      if (m.rule_index !== undefined) said[D.rule_index] = m.rule_index
      if (m.runtime_version !== undefined) said[D.runtime_version] = m.runtime_version
    }
  }
  const decision = said[I.decision]
  if (typeof decision === 'string' && has(STATUS_BY_DECISION, decision)) said[I.status] = STATUS_BY_DECISION[decision]
  said[I.created_at] = said[I.updated_at] = group[0]!.created_at
  const rec = record as unknown as Record<ActionColumn, unknown>
  let req = isDigest(said[I.request_hash])
  for (let j = 0; j < REQUEST_INDEX.length; j++) {
    const i = REQUEST_INDEX[j]!
    if (said[i] === UNSAID || said[i] !== row[i]) req = false
  }
  let prov = req && said[I.provenance_id] === row[I.provenance_id] && isDigest(said[I.provenance_id])
  for (let j = 0; j < PARTS_INDEX.length; j++) {
    const i = PARTS_INDEX[j]!
    if (said[i] === UNSAID && !provenancePartOk(row[i])) prov = false
  }
  // The stamp is written as canonical JSON text directly: its keys go out in order, its values are mostly strings.
  let text = ''
  const put = (c: ActionColumn, v: unknown) => {
    text += `${text === '' ? '{' : ','}"${c}":${typeof v === 'string' ? quote(v) : canonicalJson(v)}`
  }
  for (let j = 0; j < STAMP_POS.length; j++) {
    const i = STAMP_POS[j]!
    const s = said[i]
    if (i === I.params || i === I.context) {
      if (!req) put(STAMP_COLS[j]!, stampValue(STAMP_COLS[j]!, rec[STAMP_COLS[j]!]))
    } else if (s === UNSAID && STAMP_PART[j]) {
      // Derived from provenance_id, or recorded even when null (so verify knows it was not derived).
      if (!prov) put(STAMP_COLS[j]!, row[i])
    } else if (s === UNSAID ? row[i] !== null : STAMP_JSON[j] ? !sameValue(STAMP_COLS[j]!, s, rec[STAMP_COLS[j]!]) : s !== row[i]) {
      const c = STAMP_COLS[j]!
      put(c, STAMP_JSON[j] ? stampValue(c, rec[c]) : row[i])
    }
  }
  return text === '' ? '{}' : `${text}}`
}

/** The stamp of a transition (meta key `set`): the status and every column written; updated_at when not the event's time. */
export function writeStamp(to: string, set: ReadonlyArray<readonly [ActionColumn, unknown]>, eventCreatedAt: string): Record<string, unknown> {
  const out: Record<string, unknown> = { status: to }
  for (const [col, encoded] of set) {
    if (col === 'updated_at' && encoded === eventCreatedAt) continue
    // JSON columns arrive encoded (JSON text); the digest is of the value's canonical JSON.
    out[col] = ACTION_COLUMNS[col] === 'json' && typeof encoded === 'string' ? stampValue(col, JSON.parse(encoded)) : encoded
  }
  return out
}

/** The stored row an action's events (oldest first) vouch for. Columns absent from the answer are not covered. */
export function foldAction(events: readonly FoldEvent[]): Expected {
  if (events.length === 0) return {}
  const k = events.findIndex((e) => isObject(e.meta[CREATE_STAMP]))
  let x: Expected
  let rest: readonly FoldEvent[]
  if (k >= 0) {
    const group = events.slice(0, k + 1)
    const stored = events[k]!.meta[CREATE_STAMP] as Record<string, unknown>
    const seq = events[k]!.seq
    x = metaFold(group)
    x.created_at = value(group[0]!.created_at, group[0]!.seq)
    x.updated_at = value(group[0]!.created_at, group[0]!.seq)
    // Mirrors createStamp: a derivation holds exactly when the create did not record what it derives from.
    const req = requestDerivable(x) && !REQUEST_FIELDS.some((c) => has(stored, c))
    const derivedParts = PROVENANCE_PARTS.filter((c) => x[c] === undefined && !has(stored, c))
    const prov = req && isDigest(valueOf(x.provenance_id)) && !has(stored, 'provenance_id')
    for (const [col, v] of Object.entries(stored)) if (COLUMN_SET.has(col)) x[col as ActionColumn] = fromStamp(v, seq)
    if (req) for (const c of ['params', 'context'] as const) x[c] ??= { kind: 'request', seq }
    if (prov) for (const c of derivedParts) x[c] = { kind: 'provenance', seq }
    const nothing = value(null, seq) // one shared (immutable) expectation for every column left null
    for (const c of CHECKED_COLUMNS) x[c] ??= nothing
    rest = events.slice(k + 1)
  } else {
    // Written before stamps: the create is the first event and the decision_made events right after it.
    let end = 1
    while (end < events.length && events[end]!.event_type === 'decision_made') end++
    x = metaFold(events.slice(0, end))
    const seq = events[end - 1]!.seq
    if (requestDerivable(x)) {
      x.params = { kind: 'request', seq }
      x.context = { kind: 'request', seq }
      if (isDigest(valueOf(x.provenance_id))) for (const c of PROVENANCE_PARTS) x[c] ??= { kind: 'provenance', seq }
    }
    rest = events.slice(end)
  }
  for (const e of rest) applyWrite(x, e)
  return x
}

function applyWrite(x: Expected, e: FoldEvent): void {
  const s = e.meta[WRITE_STAMP]
  if (isObject(s)) {
    const keys = Object.keys(s)
    if (keys.length === 0) return // an append: the row was not written
    for (const k of keys) if (COLUMN_SET.has(k)) x[k as ActionColumn] = fromStamp(s[k], e.seq)
    if (!has(s, 'updated_at')) x.updated_at = value(e.created_at, e.seq)
    // A write to what a derivation rests on leaves what it derived uncovered (the gateway never does that).
    if (REQUEST_FIELDS.some((c) => has(s, c))) for (const c of ['params', 'context'] as const) if (x[c]?.kind === 'request') delete x[c]
    if (PROVENANCE_INPUTS.some((c) => has(s, c))) for (const c of PROVENANCE_PARTS) if (x[c]?.kind === 'provenance') delete x[c]
    return
  }
  // A transition written before stamps: its type names the status; the columns it may have written are not covered.
  const status = LEGACY_STATUS[e.event_type]
  if (status) x.status = value(status, e.seq)
  else delete x.status
  x.updated_at = value(e.created_at, e.seq)
  for (const c of LEGACY_PATCHED) delete x[c]
}

export interface FieldMismatch {
  field: string
  /** The event that says what the field should be. */
  seq: number
  expected: string
  actual: string
}

const show = (v: unknown): string => {
  const t = jsonText(v ?? null)
  return t.length > 80 ? `${t.slice(0, 77)}…` : t
}

/** Compares a stored row with what its events say: the first field that differs, and the columns nothing covers. */
export function checkRow(x: Expected, row: ActionRecord): { mismatch: FieldMismatch | null; uncovered: ActionColumn[] } {
  const rec = row as unknown as Record<ActionColumn, unknown>
  const uncovered: ActionColumn[] = []
  let mismatch: FieldMismatch | null = null
  const miss = (field: string, seq: number, expected: string, actual: string) => {
    mismatch ??= { field, seq, expected, actual }
  }
  for (const col of CHECKED_COLUMNS) {
    const e = x[col]
    if (!e) uncovered.push(col)
    else if (e.kind === 'value' && !sameValue(col, e.value, rec[col])) miss(col, e.seq, show(e.value), show(rec[col]))
    else if (e.kind === 'sha256') {
      const actual = rec[col] === null || rec[col] === undefined ? null : sha256Hex(jsonText(rec[col]))
      if (actual !== e.sha256) miss(col, e.seq, `sha256 ${e.sha256.slice(0, 16)}…`, actual ? `sha256 ${actual.slice(0, 16)}… ${show(rec[col])}` : 'null')
    }
  }
  if (mismatch) return { mismatch, uncovered }
  const req = x.params?.kind === 'request' ? x.params : x.context?.kind === 'request' ? x.context : null
  if (req) {
    let actual: string
    try {
      actual = requestHash({ agent_id: rec.agent_id, tool: rec.tool, operation: rec.operation, params: rec.params, context: rec.context })
    } catch {
      actual = '(not hashable)'
    }
    const expected = String(valueOf(x.request_hash))
    if (actual !== expected) miss('params/context', req.seq, `request_hash ${expected.slice(0, 16)}…`, `request_hash ${actual.slice(0, 16)}…`)
  }
  const derived = PROVENANCE_PARTS.filter((c) => x[c]?.kind === 'provenance')
  if (!mismatch && derived.length > 0) {
    const seq = x[derived[0]!]!.seq
    const field = derived.join('/')
    const bad = derived.find((c) => !provenancePartOk(rec[c]))
    const expected = String(valueOf(x.provenance_id))
    if (bad) miss(field, seq, 'null or a non-empty string without "|"', `${bad} ${show(rec[bad])}`)
    else {
      const actual = provenanceId({
        request_hash: rec.request_hash as string | null,
        policy_hash: rec.policy_hash as string | null,
        profile_hash: rec.profile_hash as string | null,
        runtime_version: rec.runtime_version as string | null,
      })
      if (actual !== expected) miss(field, seq, `provenance_id ${expected.slice(0, 16)}…`, `provenance_id ${actual.slice(0, 16)}…`)
    }
  }
  return { mismatch, uncovered }
}
