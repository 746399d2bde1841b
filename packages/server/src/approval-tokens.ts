// Approval tokens (CONTRACT.md § Approvals). The original's CLI approves by reading `approval_token` from
// GET /v1/actions/{id}, so an approver must be able to see the token again, yet it is never stored in clear.
//
// A token is HMAC-SHA256(secret, id, request_hash), base64url: re-derivable on any GET, and bound to the request it
// was issued for. The secret is derived from the ledger's signing key (Ledger.deriveSecret), which a fleet of
// gateways on one Postgres already shares and which survives restarts, so every gateway shows and accepts the same
// token. What the ledger stores (approval_token_hash) is a digest over id, request_hash and token:
//   - "v2:<sha256 hex of id \n request_hash \n token>" for tokens derived here. Verifying needs only the digest, so a
//     token shown before the signing key was rotated (or by a replica with another key) still approves; and because
//     the digest covers request_hash, a row whose request_hash was changed refuses the token it was issued with.
//   - "<sha256 hex of token>" (no prefix) for the random tokens of gateways before this scheme: still accepted, so an
//     upgrade does not strand pending approvals; they cannot be shown again (their token was never derivable).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { ActionRecord } from '@faramesh/ledger'
import { hashToken } from './tokens-file.js'

/** The HKDF purpose the server's approval secret is derived for (changing it changes every token). */
export const APPROVAL_SECRET_PURPOSE = 'faramesh approval tokens v1'

const V2 = 'v2:'

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')

/** Equal strings, in time that depends only on their lengths (digests here always have equal lengths). */
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

type Bound = Pick<ActionRecord, 'id' | 'request_hash'>

export interface ApprovalTokens {
  /** The token of a new pending action, and the digest the ledger stores in its place. */
  issue(action: Bound): { token: string; stored: string }
  /**
   * The token to show an approver: only while the action is pending and its approval has not expired, and only when
   * the stored digest confirms it (same secret, unchanged id and request_hash); otherwise null.
   */
  reveal(action: ActionRecord, now: string): string | null
  /** Whether `token` is this action's approval token (constant-time comparison of digests). */
  accepts(action: ActionRecord, token: string): boolean
}

export function createApprovalTokens(secret: Uint8Array): ApprovalTokens {
  if (secret.length < 32) throw new Error('approval token secret must be at least 32 bytes')
  const key = Buffer.from(secret)
  // Newlines cannot occur in a UUID or a hex hash, so the joined parts cannot be re-split another way.
  const derive = (a: Bound): string => createHmac('sha256', key).update(`${a.id}\n${a.request_hash ?? ''}`, 'utf8').digest('base64url')
  const digest = (a: Bound, token: string): string => V2 + sha256(`${a.id}\n${a.request_hash ?? ''}\n${token}`)

  return {
    issue(action) {
      const token = derive(action)
      return { token, stored: digest(action, token) }
    },
    reveal(action, now) {
      const stored = action.approval_token_hash
      if (action.status !== 'pending_approval' || !stored?.startsWith(V2)) return null
      if (action.approval_expires_at && action.approval_expires_at <= now) return null
      const token = derive(action)
      return sameText(digest(action, token), stored) ? token : null
    },
    accepts(action, token) {
      const stored = action.approval_token_hash
      if (!stored) return false
      return sameText(stored.startsWith(V2) ? digest(action, token) : hashToken(token), stored)
    },
  }
}
