// The scoped-token store (FARAMESH_TOKENS_FILE): JSON holding only sha256 hashes of tokens, so a leaked file
// grants nothing. `faramesh token` writes it; the gateway watches it and swaps the token set in when it changes.
import { createHash } from 'node:crypto'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { Role } from '@faramesh/policy-core'
import { ApiError } from './errors.js'
import { ROLES } from './roles.js'

export interface TokenEntry {
  name: string
  role: Role
  /** sha256 hex of the token. */
  sha256: string
  /** The agent an `agent` token acts for (its submits carry this agent_id); absent means the token's name. */
  agent_id?: string
  created_at?: string
  expires_at?: string | null
  revoked_at?: string | null
}

export interface TokensFile {
  version: 1
  tokens: TokenEntry[]
}

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex')

/** The agent id a token acts for: its own `agent_id`, else its name. */
export const agentIdOfToken = (e: Pick<TokenEntry, 'name' | 'agent_id'>): string => e.agent_id ?? e.name

// Timestamps are compared as instants, so they must be ones: RFC 3339 with a time zone (ajv-formats' strict
// date-time: real calendar days, hours 00-23, an offset or Z). "Jan 1 2020" compared as text never expired.
const addFormats = addFormatsModule as unknown as (ajv: Ajv, formats: string[]) => Ajv
const isRfc3339 = addFormats(new Ajv(), ['date-time']).compile({ type: 'string', format: 'date-time' })
const TIMESTAMPS = ['created_at', 'expires_at', 'revoked_at'] as const

/** Milliseconds since the epoch of an RFC 3339 timestamp, or null when it is not one. */
export function rfc3339Millis(value: unknown): number | null {
  if (typeof value !== 'string' || !isRfc3339(value)) return null
  const ms = Date.parse(value)
  return Number.isFinite(ms) ? ms : null
}

/** Parse and check a tokens file's text; throws ApiError CONFIG_INVALID naming the bad entry and field. */
export function parseTokensFile(text: string, where = 'tokens file'): TokensFile {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new ApiError('CONFIG_INVALID', `${where}: not valid JSON (${(e as Error).message})`, { where })
  }
  const list = (raw as { tokens?: unknown } | null)?.tokens
  if (!Array.isArray(list)) throw new ApiError('CONFIG_INVALID', `${where}: expected {"tokens": [...]}`, { where })
  const tokens = list.map((t: unknown, i): TokenEntry => {
    const e = t as Partial<TokenEntry> | null
    const label = typeof e?.name === 'string' && e.name !== '' ? `tokens[${i}] (${JSON.stringify(e.name)})` : `tokens[${i}]`
    const bad = (why: string): never => {
      throw new ApiError('CONFIG_INVALID', `${where}: ${label} ${why}`, { where })
    }
    if (!e || typeof e !== 'object') return bad('is not an object')
    if (typeof e.name !== 'string' || e.name === '') return bad('needs a non-empty name')
    if (!ROLES.includes(e.role as Role)) return bad(`has unknown role ${JSON.stringify(e.role)} (use ${ROLES.join(', ')})`)
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) return bad('needs sha256: 64 lowercase hex digits')
    if (e.agent_id !== undefined) {
      if (e.role !== 'agent') return bad('has agent_id, which only an agent token may have')
      if (typeof e.agent_id !== 'string' || e.agent_id === '' || e.agent_id.length > 256) return bad('agent_id must be a string of 1 to 256 characters')
    }
    for (const field of TIMESTAMPS) {
      const v = e[field]
      if (v === undefined || v === null) continue
      if (rfc3339Millis(v) === null) {
        return bad(`${field} ${JSON.stringify(v)} is not an RFC 3339 timestamp (e.g. 2027-01-31T00:00:00Z)`)
      }
    }
    return e as TokenEntry
  })
  // A principal's name is what the audit trail records (`by` on events), so it must say who acted: not a name the
  // gateway gives callers without a scoped token, and not a name two live tokens share.
  const live = new Map<string, number>()
  tokens.forEach((t, i) => {
    const bad = (why: string): never => {
      throw new ApiError('CONFIG_INVALID', `${where}: tokens[${i}] (${JSON.stringify(t.name)}) ${why}`, { where })
    }
    if (RESERVED_NAMES.includes(t.name)) bad(`uses the reserved name ${JSON.stringify(t.name)} (it names callers without a scoped token)`)
    if (t.revoked_at) return
    const first = live.get(t.name)
    if (first !== undefined) bad(`has the same name as tokens[${first}], which is not revoked either`)
    live.set(t.name, i)
  })
  return { version: 1, tokens }
}

/** Names the gateway gives callers without a scoped token (open mode, FARAMESH_TOKEN): no token may take them. */
export const RESERVED_NAMES: readonly string[] = ['anonymous', 'legacy-token']

export const serializeTokensFile = (file: TokensFile): string => `${JSON.stringify(file, null, 2)}\n`
