// The scoped-token store (FARAMESH_TOKENS_FILE): JSON holding only sha256 hashes of tokens, so a leaked file
// grants nothing. `faramesh token` writes it; the server re-reads it when its mtime changes.
import { createHash } from 'node:crypto'
import type { Role } from '@faramesh/policy-core'
import { ApiError } from './errors.js'

export interface TokenEntry {
  name: string
  role: Role
  /** sha256 hex of the token. */
  sha256: string
  created_at?: string
  expires_at?: string | null
  revoked_at?: string | null
}

export interface TokensFile {
  version: 1
  tokens: TokenEntry[]
}

export const ROLES: readonly Role[] = ['agent', 'approver', 'auditor', 'admin']

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex')

/** Parse and check a tokens file's text; throws ApiError CONFIG_INVALID naming the bad entry. */
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
    const bad = (why: string): never => {
      throw new ApiError('CONFIG_INVALID', `${where}: tokens[${i}] ${why}`, { where })
    }
    if (!e || typeof e !== 'object') return bad('is not an object')
    if (typeof e.name !== 'string' || e.name === '') return bad('needs a non-empty name')
    if (!ROLES.includes(e.role as Role)) return bad(`has unknown role ${JSON.stringify(e.role)} (use ${ROLES.join(', ')})`)
    if (typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) return bad('needs sha256: 64 lowercase hex digits')
    return e as TokenEntry
  })
  return { version: 1, tokens }
}

export const serializeTokensFile = (file: TokensFile): string => `${JSON.stringify(file, null, 2)}\n`
