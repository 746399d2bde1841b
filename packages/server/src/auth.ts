// Who is calling, and may they? Three modes (CONTRACT.md § Auth): no token configured (open, loopback only),
// the legacy single token (every right) and scoped tokens from the tokens file (one role each).
import { statSync, readFileSync } from 'node:fs'
import { timingSafeEqual } from 'node:crypto'
import type { Role } from '@faramesh/policy-core'
import { forbidden, unauthorized } from './errors.js'
import { hashToken, parseTokensFile, type TokenEntry } from './tokens-file.js'

export interface Principal {
  name: string
  role: Role
  kind: 'anonymous' | 'legacy' | 'scoped'
}

export type Permission =
  | 'submit'
  | 'decide'
  | 'read'
  | 'read_all'
  | 'approve'
  | 'execute'
  | 'stream'
  | 'audit'
  | 'metrics'
  | 'admin'

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  agent: new Set(['submit', 'decide', 'read', 'execute']),
  approver: new Set(['read', 'read_all', 'approve', 'stream']),
  auditor: new Set(['read', 'read_all', 'stream', 'audit', 'metrics']),
  admin: new Set(['submit', 'decide', 'read', 'read_all', 'approve', 'execute', 'stream', 'audit', 'metrics', 'admin']),
}

export const can = (p: Principal, perm: Permission): boolean => GRANTS[p.role].has(perm)

export function requirePermission(p: Principal, perm: Permission): void {
  if (!can(p, perm)) throw forbidden(`Role ${p.role} may not ${perm.replace('_', ' ')}`)
}

/** True when the principal may see (and so use) approval tokens. */
export const seesApprovalTokens = (p: Principal): boolean => can(p, 'approve')

export const ANONYMOUS: Principal = { name: 'anonymous', role: 'admin', kind: 'anonymous' }
const LEGACY: Principal = { name: 'legacy-token', role: 'admin', kind: 'legacy' }

export interface Authenticator {
  /** Whether any credential is configured (otherwise every caller is the anonymous admin). */
  readonly enabled: boolean
  /** Resolve a bearer token; throws 401 when auth is on and the token is missing or unknown. */
  authenticate(token: string | undefined): Principal
}

export interface AuthOptions {
  legacyToken?: string | null
  tokensFile?: string | null
  clock?: () => Date
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(hashToken(a), 'hex')
  const y = Buffer.from(hashToken(b), 'hex')
  return timingSafeEqual(x, y)
}

export function createAuthenticator(opts: AuthOptions): Authenticator {
  const legacy = opts.legacyToken || null
  const file = opts.tokensFile || null
  const clock = opts.clock ?? (() => new Date())
  let byHash = new Map<string, TokenEntry>()
  let loadedMtime = -1
  let checkedAt = 0

  // Re-read the tokens file when it changes, at most once a second, so `faramesh token revoke` takes effect
  // without a restart and without a stat() on every request.
  const refresh = (): void => {
    if (!file) return
    const now = Date.now()
    if (now - checkedAt < 1000 && loadedMtime !== -1) return
    checkedAt = now
    const mtime = statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0
    if (mtime === loadedMtime) return
    const entries = mtime === 0 ? [] : parseTokensFile(readFileSync(file, 'utf8'), file).tokens
    byHash = new Map(entries.map((e) => [e.sha256, e]))
    loadedMtime = mtime
  }
  if (file) refresh()

  return {
    enabled: Boolean(legacy || file),
    authenticate(token) {
      if (!legacy && !file) return ANONYMOUS
      if (!token) throw unauthorized()
      if (legacy && sameSecret(token, legacy)) return LEGACY
      if (file) {
        try {
          refresh()
        } catch {
          // A half-written file keeps the previous token set rather than locking everyone out.
        }
        const e = byHash.get(hashToken(token))
        const now = clock().toISOString()
        if (e && !e.revoked_at && !(e.expires_at && e.expires_at <= now)) {
          return { name: e.name, role: e.role, kind: 'scoped' }
        }
      }
      throw unauthorized()
    },
  }
}

/** The bearer token of an Authorization header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const m = /^Bearer\s+(.+)$/i.exec(header.trim())
  return m ? m[1]!.trim() : undefined
}
