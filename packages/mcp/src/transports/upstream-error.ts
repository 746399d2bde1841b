// How a transport tells the relay why the MCP server side ended. The relay maps `reason` straight onto
// RelayEnd.reason and uses `message` (already redacted) for the error answers of pending calls.
import type { RelayEnd } from '../types.js'

export type UpstreamEndReason = Extract<RelayEnd['reason'], 'upstream_exited' | 'upstream_bad_output'>

export class UpstreamError extends Error {
  override readonly name = 'UpstreamError'
  readonly code: 'UPSTREAM_EXITED' | 'UPSTREAM_BAD_OUTPUT'
  constructor(
    readonly reason: UpstreamEndReason,
    message: string,
    /** For a child: its exit code and signal, once known. */
    readonly exit: { code: number | null; signal: NodeJS.Signals | null } | null = null,
  ) {
    super(message)
    this.code = reason === 'upstream_exited' ? 'UPSTREAM_EXITED' : 'UPSTREAM_BAD_OUTPUT'
  }
}

export function isUpstreamError(err: unknown): err is UpstreamError {
  return err instanceof Error && err.name === 'UpstreamError' && typeof (err as UpstreamError).reason === 'string'
}
