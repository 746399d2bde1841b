// Copy-as-curl, as in the original UI. The API token is never pasted into the clipboard: the command reads it from
// $FARAMESH_TOKEN, so a copied snippet in a chat or ticket does not leak a credential.
import type { Action } from '@faramesh/policy-core'

export type CurlKind = 'get' | 'approve' | 'deny' | 'events'

/** POSIX single-quote a word: the only character that needs care inside '…' is ' itself. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`
}

export interface CurlOptions {
  baseUrl: string
  /** Whether the gateway needs a token (then the command carries an Authorization header from the environment). */
  authenticated: boolean
  reason?: string
}

export function curlCommand(kind: CurlKind, action: Pick<Action, 'id' | 'approval_token'>, opts: CurlOptions): string {
  const base = opts.baseUrl.replace(/\/+$/, '')
  const id = encodeURIComponent(action.id)
  const auth = opts.authenticated ? ` \\\n  -H "Authorization: Bearer $FARAMESH_TOKEN"` : ''
  if (kind === 'get') return `curl -sS ${shellQuote(`${base}/v1/actions/${id}`)}${auth}`
  if (kind === 'events') return `curl -sS ${shellQuote(`${base}/v1/actions/${id}/events`)}${auth}`
  const body: Record<string, unknown> = { approve: kind === 'approve' }
  if (action.approval_token) body.token = action.approval_token
  if (opts.reason) body.reason = opts.reason
  return (
    `curl -sS -X POST ${shellQuote(`${base}/v1/actions/${id}/approval`)}${auth} \\\n` +
    `  -H 'Content-Type: application/json' \\\n` +
    `  -d ${shellQuote(JSON.stringify(body))}`
  )
}
