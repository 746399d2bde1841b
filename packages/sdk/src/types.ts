// SDK-side types. The wire shapes themselves come from @faramesh/policy-core (type-only import: nothing of
// policy-core ends up in the SDK bundle), so client and server cannot drift apart.
import type { Action, ActionStatus, GateDecision } from '@faramesh/policy-core'

export type {
  Action,
  ActionEvent,
  ActionRequest,
  ActionStatus,
  Effect as Decision,
  EventType,
  GateDecision,
  JsonObject,
  JsonValue,
  Outcome as DecisionOutcome,
  PolicyInfo,
  ReasonCode,
  RiskLevel,
  StreamFrame,
} from '@faramesh/policy-core'

/** What to do when the gateway cannot be reached: throw (default) or let the call through, marked ungoverned. */
export type FailMode = 'failClosed' | 'failOpen'

export interface ClientConfig {
  /** Default `http://127.0.0.1:8000`; env `FARAMESH_BASE_URL`, legacy `FARA_API_BASE`. */
  baseUrl?: string
  /** Bearer token; env `FARAMESH_TOKEN`, legacy `FARA_AUTH_TOKEN`. */
  token?: string
  /** Asked before every request, over `token` (a UI whose user signs in and out). */
  getToken?: () => string | null | undefined
  /** Agent id for the class API's object-form submit; env `FARAMESH_AGENT_ID`, else `default-agent`. */
  agentId?: string
  /** Per-request timeout (default 30000). */
  timeoutMs?: number
  /** Retries for safe requests (default 3; env `FARAMESH_RETRIES`). */
  maxRetries?: number
  /** Base backoff in seconds, doubled per attempt, with jitter (default 0.5; env `FARAMESH_RETRY_BACKOFF`). */
  retryBackoffFactor?: number
  /** Default `failClosed`; env `FARAMESH_FAIL_MODE` (`failOpen` / `open`). */
  failMode?: FailMode
  /** Throw `FarameshPolicyError` when a submit is denied, as the original SDK did (default true). */
  throwOnDeny?: boolean
  /** Use the SSE stream for waits (default true); polling is the fallback either way. */
  sse?: boolean
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch
  /** Extra headers sent with every request. */
  headers?: Record<string, string>
  onRequestStart?: (method: string, url: string) => void
  onRequestEnd?: (method: string, url: string, statusCode: number, durationMs: number) => void
  onError?: (error: Error) => void
}

export interface ResolvedConfig extends ClientConfig {
  baseUrl: string
  agentId: string
  timeoutMs: number
  maxRetries: number
  retryBackoffFactor: number
  failMode: FailMode
  throwOnDeny: boolean
  sse: boolean
}

/** Per-call options, accepted as the last argument of every method. */
export interface CallOptions {
  signal?: AbortSignal
  timeoutMs?: number
  /** Sent as `Idempotency-Key`; makes a submit safe to retry. */
  idempotencyKey?: string
}

export interface ListActionsOptions {
  limit?: number
  offset?: number
  agent_id?: string
  tool?: string
  status?: ActionStatus
}

export interface WaitOptions {
  pollIntervalMs?: number
  timeoutMs?: number
  signal?: AbortSignal
}

export interface ResultReport {
  success: boolean
  error?: string | null
  result?: unknown
  meta?: Record<string, unknown>
}

/**
 * An action, plus `governed: false` when fail-open let it through without the gateway: nothing was recorded,
 * so there is nothing to report to.
 */
export type GovernedAction = Action & { governed?: boolean }
export type GovernedDecision = GateDecision & { governed?: boolean }

export interface ReplayResult {
  success: boolean
  originalOutcome: string
  replayedOutcome: string
  originalReasonCode: string
  replayedReasonCode: string
  requestHashMatch: boolean
  policyHashMatch: boolean
  profileHashMatch: boolean
  runtimeVersionMatch: boolean
  mismatches: string[]
}

/** One SSE frame as handed to `onEvents` handlers (the original's loose shape; see `StreamFrame`). */
export interface FarameshEvent {
  event_type?: string
  type?: string
  action_id?: string
  [key: string]: any
}
