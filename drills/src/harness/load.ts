// A bounded submit load: `total` POST /v1/actions spread round-robin over one or more gateways by
// `concurrency` workers. Records which submits were acknowledged (200 with an id): the drills' promise is
// that every acknowledged action survives whatever happens next.
import type { ActionRequest } from '@faramesh/policy-core'

export interface LoadOptions {
  urls: readonly string[] | (() => readonly string[])
  total: number
  concurrency: number
  token?: string
  request: (i: number) => ActionRequest
  /** Called after each answered or failed request with the count so far (to trigger a fault mid-run). */
  onProgress?: (done: number) => void
  timeoutMs?: number
  /** Pause after a network error or a 5xx, as a client with retries would, so a dead gateway or store is
   *  not hammered in a tight loop and the load lasts through an outage. */
  failureBackoffMs?: number
}

export interface LoadResult {
  /** Ids of actions the gateways acknowledged. */
  acked: string[]
  /** Failures by kind: an HTTP status ("503") or a network error code ("ECONNREFUSED"). */
  failures: Map<string, number>
  /** `detail` of the first few failed HTTP answers, to show in assertions. */
  details: string[]
  latenciesMs: number[]
  elapsedMs: number
}

function errorKind(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause
  return cause?.code ?? (err instanceof Error ? err.name : 'error')
}

export async function submitLoad(opts: LoadOptions): Promise<LoadResult> {
  const urls = typeof opts.urls === 'function' ? opts.urls : () => opts.urls as readonly string[]
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  const result: LoadResult = { acked: [], failures: new Map(), details: [], latenciesMs: [], elapsedMs: 0 }
  const fail = (kind: string): void => {
    result.failures.set(kind, (result.failures.get(kind) ?? 0) + 1)
  }
  let next = 0
  let done = 0
  const started = performance.now()
  const worker = async (): Promise<void> => {
    for (let i = next++; i < opts.total; i = next++) {
      const targets = urls()
      const base = targets[i % targets.length]!
      const t0 = performance.now()
      try {
        const res = await fetch(`${base}/v1/actions`, {
          method: 'POST',
          headers,
          body: JSON.stringify(opts.request(i)),
          signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000),
        })
        const body = (await res.json().catch(() => ({}))) as { id?: string; detail?: unknown }
        if (res.status === 200 && typeof body.id === 'string') {
          result.acked.push(body.id)
          result.latenciesMs.push(performance.now() - t0)
        } else {
          fail(String(res.status))
          if (result.details.length < 5) result.details.push(`${res.status} ${JSON.stringify(body.detail)}`)
          if (res.status >= 500) await new Promise((r) => setTimeout(r, opts.failureBackoffMs ?? 20))
        }
      } catch (err) {
        fail(errorKind(err))
        await new Promise((r) => setTimeout(r, opts.failureBackoffMs ?? 20))
      }
      opts.onProgress?.(++done)
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker))
  result.elapsedMs = performance.now() - started
  return result
}

export function failureCount(r: LoadResult): number {
  let n = 0
  for (const v of r.failures.values()) n += v
  return n
}
