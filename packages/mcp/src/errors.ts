// The package's one error spine: a code, a human message, and where it happened. Expected outcomes (a denial, a
// withdrawn call) are values, not exceptions; these are for what stops a session or a configuration.
export const MCP_ERROR_CODES = [
  'CONFIG_INVALID',
  'ENV_REF_MISSING',
  'UPSTREAM_EXITED',
  'UPSTREAM_BAD_OUTPUT',
  'GATE_UNAVAILABLE',
  'AUTH',
] as const

export type McpErrorCode = (typeof MCP_ERROR_CODES)[number]

export class McpGateError extends Error {
  readonly code: McpErrorCode
  /** File, line, server or key the problem is in; never a secret value. */
  readonly where: string | undefined

  constructor(code: McpErrorCode, message: string, options: { where?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'McpGateError'
    this.code = code
    this.where = options.where
  }
}
