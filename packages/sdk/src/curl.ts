// Ready-to-paste curl commands for an action (`faramesh curl`, the dashboard's copy buttons). Every value that
// comes from the gateway or a user (base URL, id, params, approval token, reason) reaches the shell inside single
// quotes, so nothing in it is expanded or run. The API token is never written: the command reads $FARAMESH_TOKEN,
// so a snippet pasted in a chat or ticket does not leak a credential. Browser-safe: no Node imports.
import type { Action } from '@faramesh/policy-core'
import { checkId } from './validate.js'

export type CurlKind = 'get' | 'events' | 'submit' | 'approve' | 'deny'

export interface CurlOptions {
  baseUrl: string
  /** Whether the gateway needs a token (then the command carries an Authorization header from the environment). */
  authenticated: boolean
  /** Sent with approve/deny. */
  reason?: string
  /**
   * `quoted` (default): `curl -sS`, every argument in single quotes. `original`: the original faramesh CLI's layout
   * (no `-sS`, a word is left bare when it holds only characters no POSIX shell treats specially, as Python's
   * shlex.quote does), which `faramesh curl` keeps.
   */
  layout?: 'quoted' | 'original'
}

export type CurlAction = Pick<Action, 'id' | 'approval_token'> & Partial<Pick<Action, 'agent_id' | 'tool' | 'operation' | 'params' | 'context'>>

/** POSIX single-quote a word: inside '…' only ' itself needs care (close, escaped quote, reopen). */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`
}

/** The word as is when nothing in it means anything to a shell (no `=`/`~`: zsh and tilde expansion), else quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+:,./-]+$/.test(word) ? word : shellQuote(word)
}

/** JSON with the original CLI's `", "` and `": "` separators (values escaped by JSON.stringify). */
function spacedJson(entries: Array<[string, unknown]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`
}

export function curlCommand(kind: CurlKind, action: CurlAction, opts: CurlOptions): string {
  const original = opts.layout === 'original'
  const word = original ? shellWord : shellQuote
  const curl = original ? 'curl' : 'curl -sS'
  const base = opts.baseUrl.replace(/\/+$/, '')
  const url = `${base}/v1/actions/${checkId(action.id)}`
  const auth = opts.authenticated ? ` \\\n  -H "Authorization: Bearer $FARAMESH_TOKEN"` : ''
  const post = (to: string, body: string) =>
    `${curl} -X POST ${word(to)}${auth} \\\n  -H "Content-Type: application/json" \\\n  -d ${shellQuote(body)}`
  switch (kind) {
    case 'get':
      return `${curl} ${word(url)}${auth}`
    case 'events':
      return `${curl} ${word(`${url}/events`)}${auth}`
    case 'submit': {
      const a = action
      return post(`${base}/v1/actions`, JSON.stringify({ agent_id: a.agent_id, tool: a.tool, operation: a.operation, params: a.params ?? {}, context: a.context ?? {} }))
    }
    case 'approve':
    case 'deny': {
      const body: Array<[string, unknown]> = []
      if (action.approval_token) body.push(['token', action.approval_token])
      if (opts.reason) body.push(['reason', opts.reason])
      body.push(['approve', kind === 'approve'])
      return post(`${url}/approval`, spacedJson(body))
    }
    default:
      throw new TypeError(`Unknown curl command kind: ${String(kind)}`)
  }
}
