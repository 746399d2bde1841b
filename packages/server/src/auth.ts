// Who is calling, and may they? Three modes (CONTRACT.md § Auth): no token configured (open, loopback only),
// the legacy single token (every right) and scoped tokens from the tokens file (one role each). No file is read here:
// the scoped tokens come from a TokenSource (the gateway's is the watched tokens file, node/tokens-source.ts), so the
// request path never touches the file system (test/auth-no-fs.test.ts).
import { timingSafeEqual } from 'node:crypto'
import { unauthorized } from './errors.js'
import { can, type Principal } from './roles.js'
import { agentIdOfToken, hashToken, rfc3339Millis, type TokenEntry, type TokensFile } from './tokens-file.js'

export { can, requirePermission, type Permission, type Principal } from './roles.js'

/** True when the principal may see (and so use) approval tokens. */
export const seesApprovalTokens = (p: Principal): boolean => can(p, 'approve')

export const ANONYMOUS: Principal = { name: 'anonymous', role: 'admin', kind: 'anonymous', agentId: null }
const LEGACY: Principal = { name: 'legacy-token', role: 'admin', kind: 'legacy', agentId: null }

/** A loaded token: its entry, its principal (made once), and its expiry as an instant. */
export interface ActiveToken {
  entry: TokenEntry
  principal: Principal
  /** Milliseconds since the epoch, or null for no expiry. */
  expiresAt: number | null
}

/** The scoped tokens in force, keyed by sha256 of the token; null when there is no tokens file at all. */
export interface TokenSource {
  current(): ReadonlyMap<string, ActiveToken> | null
}

/** Index a parsed tokens file (revoked entries are left out: they never authenticate). */
export function indexTokens(file: TokensFile): Map<string, ActiveToken> {
  const out = new Map<string, ActiveToken>()
  for (const e of file.tokens) {
    if (e.revoked_at) continue
    const principal: Principal = { name: e.name, role: e.role, kind: 'scoped', agentId: e.role === 'agent' ? agentIdOfToken(e) : null }
    out.set(e.sha256, { entry: e, principal, expiresAt: e.expires_at ? rfc3339Millis(e.expires_at) : null })
  }
  return out
}

/** A token source that never changes (tests, embedding; node/tokens-source.ts tokenSourceFromFile reads one from a file), or none. */
export function staticTokenSource(file: TokensFile | null): TokenSource {
  const map = file ? indexTokens(file) : null
  return { current: () => map }
}

export interface Authenticator {
  /** Whether any credential is configured (otherwise every caller is the anonymous admin). */
  readonly enabled: boolean
  /** Resolve a bearer token; throws 401 when auth is on and the token is missing or unknown. */
  authenticate(token: string | undefined): Principal
}

export interface AuthOptions {
  legacyToken?: string | null
  /** Scoped tokens in force (the gateway's source watches the tokens file); none: no scoped token is accepted. */
  tokens?: TokenSource | null
  clock?: () => Date
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(hashToken(a), 'hex')
  const y = Buffer.from(hashToken(b), 'hex')
  return timingSafeEqual(x, y)
}

export function createAuthenticator(opts: AuthOptions): Authenticator {
  const legacy = opts.legacyToken || null
  const tokens: TokenSource = opts.tokens ?? staticTokenSource(null)
  const clock = opts.clock ?? (() => new Date())

  return {
    get enabled() {
      return Boolean(legacy) || tokens.current() !== null
    },
    authenticate(token) {
      const scoped = tokens.current()
      if (!legacy && !scoped) return ANONYMOUS
      if (!token) throw unauthorized()
      if (legacy && sameSecret(token, legacy)) return LEGACY
      const t = scoped?.get(hashToken(token))
      if (t && (t.expiresAt === null || t.expiresAt > clock().getTime())) return t.principal
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
