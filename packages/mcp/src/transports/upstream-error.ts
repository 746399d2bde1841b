// How a transport tells the relay why the MCP server side ended: an McpGateError (code UPSTREAM_EXITED or
// UPSTREAM_BAD_OUTPUT, which the relay reads) that also carries `reason` (RelayEnd.reason) and, for a child, how it
// exited. `message` is already redacted.
import { McpGateError } from '../errors.js'
import type { RelayEnd } from '../types.js'

export type UpstreamEndReason = Extract<RelayEnd['reason'], 'upstream_exited' | 'upstream_bad_output'>

export class UpstreamError extends McpGateError {
  constructor(
    readonly reason: UpstreamEndReason,
    message: string,
    /** For a child: its exit code and signal, once known. */
    readonly exit: { code: number | null; signal: NodeJS.Signals | null } | null = null,
  ) {
    super(reason === 'upstream_exited' ? 'UPSTREAM_EXITED' : 'UPSTREAM_BAD_OUTPUT', message)
    this.name = 'UpstreamError'
  }
}

export function isUpstreamError(err: unknown): err is UpstreamError {
  return err instanceof UpstreamError
}
