// One error spine for the SDK. The class names are the original @faramesh/sdk 0.3 names (callers catch them
// by `instanceof`), and every error also carries a stable `code` so code can switch on it without classes.
import type { Action, GateDecision } from '@faramesh/policy-core'

export type FarameshErrorCode =
  | 'HTTP'
  | 'AUTH'
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'SERVER'
  | 'TIMEOUT'
  | 'APPROVAL_TIMEOUT'
  | 'CONNECTION'
  | 'UNAVAILABLE'
  | 'POLICY_DENIED'
  | 'DENIED'
  | 'DEFERRED'
  | 'BATCH'
  | 'CONFIG'

export interface FarameshErrorInit {
  code?: FarameshErrorCode
  statusCode?: number
  /** The server's `detail` (a string, or the list of `{loc, msg}` of a validation error). */
  detail?: unknown
  action?: Action
  cause?: unknown
}

export class FarameshError extends Error {
  code: FarameshErrorCode
  statusCode: number | undefined
  detail: unknown
  /** The action concerned, when the server returned one (denials, waits that timed out). */
  action: Action | undefined

  constructor(message: string, init: FarameshErrorInit | number = {}) {
    const o = typeof init === 'number' ? { statusCode: init } : init
    super(message, o.cause === undefined ? undefined : { cause: o.cause })
    this.name = 'FarameshError'
    this.code = o.code ?? 'HTTP'
    this.statusCode = o.statusCode
    this.detail = o.detail
    this.action = o.action
  }
}

// Each subclass only fixes its name and default code; `new X(message)` stays valid as in the original SDK.
// Names are literal strings because minifiers rename classes.
const sub = (name: string, code: FarameshErrorCode, status?: number) =>
  class extends FarameshError {
    constructor(message: string, init: FarameshErrorInit = {}) {
      super(message, { code, statusCode: status, ...init })
      this.name = name
    }
  }

export class FarameshAuthError extends sub('FarameshAuthError', 'AUTH', 401) {}
export class FarameshNotFoundError extends sub('FarameshNotFoundError', 'NOT_FOUND', 404) {}
export class FarameshValidationError extends sub('FarameshValidationError', 'VALIDATION', 422) {}
export class FarameshConflictError extends sub('FarameshConflictError', 'CONFLICT', 409) {}
export class FarameshServerError extends sub('FarameshServerError', 'SERVER', 500) {}
export class FarameshTimeoutError extends sub('FarameshTimeoutError', 'TIMEOUT') {}
/** Waiting for a human decision ran out of time (or the approval itself expired on the server). */
export class FarameshApprovalTimeoutError extends FarameshTimeoutError {
  constructor(message: string, init: FarameshErrorInit = {}) {
    super(message, { code: 'APPROVAL_TIMEOUT', ...init })
    this.name = 'FarameshApprovalTimeoutError'
  }
}
export class FarameshConnectionError extends sub('FarameshConnectionError', 'CONNECTION') {}
/** The gateway could not be reached at all (fail-closed). */
export class FarameshUnavailableError extends FarameshConnectionError {
  constructor(message: string, init: FarameshErrorInit = {}) {
    super(message, { code: 'UNAVAILABLE', ...init })
    this.name = 'FarameshUnavailableError'
  }
}
export class FarameshDeniedError extends sub('FarameshDeniedError', 'DENIED') {}
/** Submit answered `denied` (the original SDK threw this from `submitAction`). */
export class FarameshPolicyError extends FarameshDeniedError {
  constructor(message: string, init: FarameshErrorInit = {}) {
    super(message, { code: 'POLICY_DENIED', ...init })
    this.name = 'FarameshPolicyError'
  }
}

export class FarameshBatchError extends FarameshError {
  constructor(
    message: string,
    public successes: Action[],
    public errors: Array<{ error: string; index: number; actionSpec: unknown }>,
  ) {
    super(message, { code: 'BATCH' })
    this.name = 'FarameshBatchError'
  }
}

/** Raised by `govern`-style gates when the decision is HALT. */
export class DenyError extends FarameshDeniedError {
  constructor(
    message: string,
    public reasonCode = '',
    public reasonDetail?: string | null,
    public decision?: GateDecision,
  ) {
    super(message)
    this.name = 'DenyError'
  }
}

/** Raised by `govern`-style gates when the decision is ABSTAIN (a human must decide). */
export class DeferredError extends FarameshError {
  constructor(
    message: string,
    public reasonCode = '',
    public reasonDetail?: string | null,
    public decision?: GateDecision,
  ) {
    super(message, { code: 'DEFERRED' })
    this.name = 'DeferredError'
  }
}

/** Turn the server's `detail` (string or validation list) into one readable line. */
export function detailText(detail: unknown): string {
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail))
    return detail
      .map((d: any) => (d && typeof d === 'object' ? `${[].concat(d.loc ?? []).join('.')}: ${d.msg}` : String(d)))
      .join('; ')
  return detail == null ? '' : JSON.stringify(detail)
}

/** Map an HTTP error answer to its typed error. */
export function errorFromResponse(status: number, body: unknown, where: string): FarameshError {
  const detail = body && typeof body === 'object' && 'detail' in body ? body.detail : body
  const text = detailText(detail) || `HTTP ${status}`
  const init = { statusCode: status, detail }
  const msg = `${text} (${status} on ${where})`
  if (status === 401 || status === 403) return new FarameshAuthError(msg, init)
  if (status === 404) return new FarameshNotFoundError(msg, init)
  if (status === 409) return new FarameshConflictError(msg, init)
  if (status === 400 || status === 413 || status === 422) return new FarameshValidationError(msg, init)
  if (status === 429) return new FarameshError(msg, { ...init, code: 'RATE_LIMITED' })
  if (status >= 500) return new FarameshServerError(msg, init)
  return new FarameshError(msg, init)
}
