// The dashboard's one error spine: every failure the UI can show carries a code, a human message and where it
// happened (the API path or the parser), so components render `error.message` and branch on `error.code`.

export const DASHBOARD_ERROR_CODES = {
  UNAUTHORIZED: 'The gateway needs a valid API token',
  FORBIDDEN: 'This token is not allowed to do that',
  NOT_FOUND: 'Not found',
  CONFLICT: 'The action is no longer in a state that allows this',
  VALIDATION: 'The gateway rejected the request',
  UNAVAILABLE: 'The gateway is unreachable',
  SERVER: 'The gateway failed to answer',
  BAD_RESPONSE: 'The gateway sent an answer the dashboard cannot read',
  BAD_INPUT: 'Invalid input',
} as const

export type DashboardErrorCode = keyof typeof DASHBOARD_ERROR_CODES

export class DashboardError extends Error {
  override readonly name = 'DashboardError'
  constructor(
    readonly code: DashboardErrorCode,
    message: string = DASHBOARD_ERROR_CODES[code],
    readonly where: string | null = null,
    readonly status: number | null = null,
  ) {
    super(message)
  }
}

/** Map an HTTP status to a code; the gateway's `detail` becomes the message when it has one. */
export function errorFromResponse(status: number, detail: unknown, where: string): DashboardError {
  const code: DashboardErrorCode =
    status === 401
      ? 'UNAUTHORIZED'
      : status === 403
        ? 'FORBIDDEN'
        : status === 404
          ? 'NOT_FOUND'
          : status === 409
            ? 'CONFLICT'
            : status === 413 || status === 422 || status === 400
              ? 'VALIDATION'
              : status === 503
                ? 'UNAVAILABLE'
                : 'SERVER'
  return new DashboardError(code, detailText(detail) ?? DASHBOARD_ERROR_CODES[code], where, status)
}

/** `detail` is a string, or (validation) a list of `{loc, msg}`: flatten either into one line. */
export function detailText(detail: unknown): string | null {
  if (typeof detail === 'string' && detail.length > 0) return detail
  if (Array.isArray(detail)) {
    const parts = detail.map((d) => {
      if (d && typeof d === 'object') {
        const loc = Array.isArray((d as { loc?: unknown }).loc) ? (d as { loc: unknown[] }).loc.join('.') : ''
        const raw = (d as { msg?: unknown }).msg
        const msg = typeof raw === 'string' ? raw : JSON.stringify(raw ?? '')
        return loc ? `${loc}: ${msg}` : msg
      }
      return String(d)
    })
    const text = parts.filter(Boolean).join('; ')
    return text.length > 0 ? text : null
  }
  return null
}
