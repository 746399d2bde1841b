// The few endpoints the SDK has no method for (ledger export and keys, id prefix search, health), over fetch.
// Errors come back as CliErrors built from the status and the server's `detail`.
import { CliError } from '../errors.js'
import { NOT_RUNNING, toCliError } from '../exit-codes.js'
import type { ApiTarget } from '../config.js'

export interface HttpOptions {
  query?: Record<string, string | number | undefined>
  accept?: string
  timeoutMs?: number
  signal?: AbortSignal
}

function detailOf(body: unknown): string | null {
  const d = (body as { detail?: unknown } | null)?.detail
  if (typeof d === 'string') return d
  if (Array.isArray(d)) return d.map((x: { loc?: unknown[]; msg?: string }) => `${(x.loc ?? []).join('.')}: ${x.msg ?? ''}`).join('; ')
  return null
}

export function url(target: ApiTarget, path: string, query?: HttpOptions['query']): string {
  const u = new URL(path, `${target.baseUrl}/`)
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v))
  return u.toString()
}

export function authHeaders(target: ApiTarget): Record<string, string> {
  return target.token ? { authorization: `Bearer ${target.token}` } : {}
}

/** GET `path`; JSON by default, the raw text when `accept` is not JSON. */
export async function httpGet(target: ApiTarget, path: string, options: HttpOptions = {}): Promise<unknown> {
  const signal = options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 30000)
  let res: Response
  try {
    res = await fetch(url(target, path, options.query), {
      headers: { accept: options.accept ?? 'application/json', ...authHeaders(target) },
      signal,
    })
  } catch (err) {
    const e = toCliError(err)
    if (e.code === 'INTERNAL') throw new CliError('CONNECTION', `Cannot reach the gateway at ${target.baseUrl}: ${e.message}`, { cause: err, hint: NOT_RUNNING() })
    throw e
  }
  const text = await res.text()
  const type = res.headers.get('content-type') ?? ''
  const isJson = /\bapplication\/(?:[\w.+-]*\+)?json\b/.test(type) && !type.includes('ndjson')
  let body: unknown = text
  if (isJson && text !== '') {
    try {
      body = JSON.parse(text)
    } catch {
      throw new CliError('SERVER', `The gateway sent invalid JSON for ${path}`)
    }
  }
  if (!res.ok) {
    const message = detailOf(body) ?? `${res.status} ${res.statusText}`
    const mapped = toCliError({ name: 'HttpError', message, statusCode: res.status })
    throw mapped.code === 'INTERNAL' ? new CliError('SERVER', message) : mapped
  }
  return body
}
