// The server's one error spine: every failure a route can hit is an ApiError with a code, and the single onError
// (on-error.ts) turns codes into HTTP statuses and `{"detail": …}` bodies. Nothing else writes error responses.

export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'VALIDATION'
  | 'CLIENT_CLOSED'
  | 'REQUEST_TIMEOUT'
  | 'STORE_UNAVAILABLE'
  | 'NOT_READY'
  | 'CONFIG_INVALID'
  | 'POLICY_INVALID'
  | 'INTERNAL'

export const STATUS_BY_CODE: Record<ApiErrorCode, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  VALIDATION: 422,
  // nginx's "client closed request": the client hung up before its body arrived, so no answer can reach it. Only
  // metrics and the request count see this status.
  CLIENT_CLOSED: 499,
  REQUEST_TIMEOUT: 408,
  STORE_UNAVAILABLE: 503,
  NOT_READY: 503,
  CONFIG_INVALID: 500,
  POLICY_INVALID: 500,
  INTERNAL: 500,
}

/** One field problem, FastAPI-style, so the original's clients can read it. */
export interface FieldIssue {
  loc: Array<string | number>
  msg: string
  type: string
}

export class ApiError extends Error {
  readonly code: ApiErrorCode
  readonly status: number
  /** Per-field problems for VALIDATION; sent as the `detail` list. */
  readonly issues: FieldIssue[] | undefined
  /** Where a config or policy problem was found (file path, variable name). */
  readonly where: string | undefined

  constructor(code: ApiErrorCode, message: string, opts: { issues?: FieldIssue[]; where?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'ApiError'
    this.code = code
    this.status = STATUS_BY_CODE[code]
    this.issues = opts.issues
    this.where = opts.where
  }
}

export const unauthorized = (): ApiError => new ApiError('UNAUTHORIZED', 'Unauthorized')
export const forbidden = (message = 'Forbidden'): ApiError => new ApiError('FORBIDDEN', message)
export const actionNotFound = (): ApiError => new ApiError('NOT_FOUND', 'Action not found')
export const conflict = (message: string): ApiError => new ApiError('CONFLICT', message)
export const clientClosed = (): ApiError => new ApiError('CLIENT_CLOSED', 'Client closed the connection before its request body arrived')

/** Node's error for a request whose connection closed before its body ended (IncomingMessage "aborted"). */
/** The request did not arrive whole within FARAMESH_BODY_TIMEOUT (node's requestTimeout ended it). */
export const requestTimeout = (): ApiError =>
  new ApiError('REQUEST_TIMEOUT', 'Request body not received in time (FARAMESH_BODY_TIMEOUT)')
const timedOut = new WeakSet<object>()
/** Node's requestTimeout ended this connection's request (node/client-error.ts marks it; the handler then sees a reset). */
export const markRequestTimedOut = (socket: object): void => void timedOut.add(socket)
export const requestTimedOut = (socket: object | null | undefined): boolean => socket != null && timedOut.has(socket)
export const isClientAbort = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === 'ECONNRESET'

export function validationError(issues: FieldIssue[]): ApiError {
  const first = issues[0]
  const summary = first ? `${first.loc.join('.')}: ${first.msg}` : 'Invalid request'
  return new ApiError('VALIDATION', summary, { issues })
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError
