// WHERE clauses for list/count, shared by both dialects (only the placeholder style differs).
import { ACTION_STATUSES } from '@faramesh/policy-core'
import { decodeCursor, likePattern } from './cursor.js'
import { LedgerError } from './errors.js'
import type { ListFilter } from './types.js'

export interface Where {
  sql: string
  params: unknown[]
}

/**
 * How a dialect compares `q` case-insensitively: Postgres lowers the column; SQLite's LIKE already ignores ASCII
 * case (and, like its lower(), leaves other characters alone), so it skips a lower() call per column and row,
 * about a third of a no-match scan.
 */
export type CaseFold = 'lower' | 'like'

export function buildWhere(filter: ListFilter, placeholder: (n: number) => string, fold: CaseFold = 'lower'): Where {
  const clauses: string[] = []
  const params: unknown[] = []
  const p = (v: unknown) => {
    params.push(v)
    return placeholder(params.length)
  }
  if (filter.status !== undefined) {
    const list = Array.isArray(filter.status) ? filter.status : [filter.status]
    for (const s of list) if (!ACTION_STATUSES.includes(s)) throw new LedgerError('INVALID_INPUT', `unknown status ${String(s)}`)
    if (list.length === 0) clauses.push('1 = 0')
    else clauses.push(list.length === 1 ? `status = ${p(list[0])}` : `status IN (${list.map(p).join(', ')})`)
  }
  for (const col of ['tool', 'agent_id', 'submitted_by', 'risk_level'] as const) {
    const v = filter[col]
    if (v === undefined) continue
    if (typeof v !== 'string') throw new LedgerError('INVALID_INPUT', `${col} filter must be a string`)
    clauses.push(`${col} = ${p(v)}`)
  }
  if (filter.since !== undefined) clauses.push(`created_at >= ${p(String(filter.since))}`)
  if (filter.q !== undefined && filter.q !== '') {
    const pat = likePattern(String(filter.q))
    const col = (c: string) => (fold === 'lower' ? `lower(${c})` : c)
    clauses.push(`(${['id', 'tool', 'operation'].map((c) => `${col(c)} LIKE ${p(pat)} ESCAPE '\\'`).join(' OR ')})`)
  }
  if (filter.cursor !== undefined && filter.cursor !== null) clauses.push(`pos < ${p(decodeCursor(filter.cursor))}`)
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params }
}
