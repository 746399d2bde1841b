// Configuration from arguments first, then environment. No Node imports: `process` may not exist (browsers,
// edge runtimes), so it is looked up on globalThis.
import type { ClientConfig, FailMode, ResolvedConfig } from './types.js'

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8000'

function env(name: string): string | undefined {
  const e = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  const v = e?.[name]
  return v === undefined || v === '' ? undefined : v
}

function num(v: string | undefined, fallback: number): number {
  const n = v === undefined ? NaN : Number(v)
  return Number.isFinite(n) && n >= 0 ? n : fallback
}

function failMode(v: string | undefined): FailMode | undefined {
  if (!v) return undefined
  return /^(failopen|open|1|true)$/i.test(v) ? 'failOpen' : 'failClosed'
}

export function resolveConfig(c: ClientConfig = {}): ResolvedConfig {
  const snakeAgent = (c as { agent_id?: string }).agent_id
  return {
    ...c,
    baseUrl: (c.baseUrl ?? env('FARAMESH_BASE_URL') ?? env('FARA_API_BASE') ?? DEFAULT_BASE_URL).replace(/\/+$/, ''),
    token: c.token ?? env('FARAMESH_TOKEN') ?? env('FARA_AUTH_TOKEN'),
    agentId: c.agentId ?? snakeAgent ?? env('FARAMESH_AGENT_ID') ?? 'default-agent',
    timeoutMs: c.timeoutMs ?? num(env('FARAMESH_TIMEOUT_MS'), 30000),
    maxRetries: c.maxRetries ?? num(env('FARAMESH_RETRIES'), 3),
    retryBackoffFactor: c.retryBackoffFactor ?? num(env('FARAMESH_RETRY_BACKOFF'), 0.5),
    failMode: c.failMode ?? failMode(env('FARAMESH_FAIL_MODE')) ?? 'failClosed',
    throwOnDeny: c.throwOnDeny ?? true,
    sse: c.sse ?? true,
  }
}
