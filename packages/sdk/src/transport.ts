// HTTP over fetch: timeouts, caller abort, typed errors, retries with backoff and jitter for requests that are
// safe to repeat. Nothing else in the SDK calls fetch for JSON.
import {
  errorFromResponse,
  FarameshServerError,
  FarameshTimeoutError,
  FarameshUnavailableError,
  type FarameshError,
} from './errors.js'
import type { CallOptions, ResolvedConfig } from './types.js'

export interface RequestOptions extends CallOptions {
  body?: unknown
  query?: Record<string, string | number | undefined>
  /** Safe to repeat: reads, and submits that carry an idempotency key. */
  retry?: boolean
  /** Accept header and answer as text (e.g. NDJSON) instead of parsed JSON. */
  text?: string
  /** Sees the answer's headers (e.g. X-Total-Count) before the body is returned. */
  onHeaders?: (headers: Headers) => void
}

export interface Transport {
  readonly config: ResolvedConfig
  request<T>(method: string, path: string, options?: RequestOptions): Promise<T>
  url(path: string, query?: RequestOptions['query']): string
  headers(extra?: Record<string, string>): Record<string, string>
}

type Attempt =
  | { ok: true; status: number; body: unknown }
  | { ok: false; status: number; error: FarameshError; retry: boolean; after?: number; unsent?: boolean }

/** Run `fn` with the caller's signal linked to a private controller, so a timeout and an abort can be told apart. */
export async function linked<T>(
  signal: AbortSignal | undefined,
  timeoutMs: number,
  fn: (signal: AbortSignal, timedOut: () => boolean) => Promise<T>,
): Promise<T> {
  signal?.throwIfAborted()
  const ctl = new AbortController()
  let timedOut = false
  const onAbort = () => ctl.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const timer = setTimeout(() => {
    timedOut = true
    ctl.abort()
  }, timeoutMs)
  try {
    return await fn(ctl.signal, () => timedOut)
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error)
    const done = () => {
      clearTimeout(t)
      signal?.removeEventListener('abort', stop)
      resolve()
    }
    const stop = () => {
      clearTimeout(t)
      reject(signal?.reason as Error)
    }
    const t = setTimeout(done, ms)
    signal?.addEventListener('abort', stop, { once: true })
  })
}

function safe<A extends unknown[]>(fn: ((...a: A) => void) | undefined, ...args: A): void {
  try {
    fn?.(...args)
  } catch {
    // A telemetry hook must never break the call it observes.
  }
}

export function createTransport(config: ResolvedConfig): Transport {
  const f = config.fetch ?? globalThis.fetch

  const url = (path: string, query?: RequestOptions['query']) => {
    const q = Object.entries(query ?? {})
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&')
    return config.baseUrl + path + (q ? `?${q}` : '')
  }

  const headers = (extra?: Record<string, string>) => {
    const token = config.getToken ? config.getToken() : config.token
    return { accept: 'application/json', ...config.headers, ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra }
  }

  async function once(method: string, u: string, where: string, o: RequestOptions): Promise<Attempt> {
    const extra: Record<string, string> = {}
    if (o.body !== undefined) extra['content-type'] = 'application/json'
    if (o.idempotencyKey) extra['idempotency-key'] = o.idempotencyKey
    if (o.text) extra.accept = o.text
    const ms = o.timeoutMs ?? config.timeoutMs
    return linked(o.signal, ms, async (signal, timedOut) => {
      try {
        const res = await f(u, {
          method,
          headers: headers(extra),
          body: o.body === undefined ? undefined : JSON.stringify(o.body),
          signal,
        })
        const text = await res.text()
        if (res.ok) o.onHeaders?.(res.headers)
        if (res.ok && o.text) return { ok: true, status: res.status, body: text }
        let body: unknown = null
        try {
          body = text ? JSON.parse(text) : null
        } catch {
          if (res.ok) return { ok: false, status: res.status, retry: false, error: new FarameshServerError(`Malformed JSON answer on ${where}`, { statusCode: res.status, detail: text.slice(0, 200) }) }
          body = text
        }
        if (res.ok) return { ok: true, status: res.status, body }
        const s = res.status
        const after = Number(res.headers.get('retry-after'))
        return { ok: false, status: s, error: errorFromResponse(s, body, where), retry: s >= 500 || s === 429, after: after > 0 ? after * 1000 : undefined }
      } catch (e) {
        if (o.signal?.aborted) throw o.signal.reason
        // Connection refused: the gateway never saw the request, so even a submit may be sent again.
        const cause = (e as { cause?: { code?: string; message?: string } }).cause
        const unsent = cause?.code === 'ECONNREFUSED'
        const error = timedOut()
          ? new FarameshTimeoutError(`Request timed out after ${ms}ms: ${where}`, { cause: e })
          : new FarameshUnavailableError(`Cannot reach Faramesh at ${config.baseUrl} (${where}): ${cause?.code ?? cause?.message ?? (e as Error).message}`, { cause: e })
        return { ok: false, status: 0, error, retry: true, unsent }
      }
    })
  }

  async function request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const u = url(path, o.query)
    const where = `${method} ${path}`
    const start = Date.now()
    safe(config.onRequestStart, method, u)
    for (let attempt = 0; ; attempt++) {
      const r = await once(method, u, where, o)
      if (r.ok) {
        safe(config.onRequestEnd, method, u, r.status, Date.now() - start)
        return r.body as T
      }
      if (!r.retry || !(o.retry || r.unsent) || attempt >= config.maxRetries) {
        safe(config.onRequestEnd, method, u, r.status, Date.now() - start)
        safe(config.onError, r.error)
        throw r.error
      }
      // Exponential backoff with jitter (50-100% of the step) so many agents do not retry in lockstep.
      const step = config.retryBackoffFactor * 1000 * 2 ** attempt
      await sleep(Math.min(Math.max(step * (0.5 + Math.random() / 2), r.after ?? 0), 60000), o.signal)
    }
  }

  return { config, request, url, headers }
}
