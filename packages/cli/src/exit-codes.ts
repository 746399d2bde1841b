// Every exit code the CLI uses, and how any thrown value becomes a CliError. Documented in the README.
import { CliError, type CliErrorCode } from './errors.js'
import { suggest } from './invocation.js'

/** The hint for a gateway that does not answer. */
export const NOT_RUNNING = (): string => `Is the gateway running? Start it with ${suggest('serve')}.`

export const EXIT_CODES: Readonly<Record<CliErrorCode, number>> = {
  INTERNAL: 1,
  USAGE: 2,
  NOT_FOUND: 3,
  AMBIGUOUS_ID: 4,
  UNAUTHORIZED: 5,
  FORBIDDEN: 5,
  CONFLICT: 6,
  VALIDATION: 7,
  POLICY_INVALID: 7,
  CONNECTION: 8,
  TIMEOUT: 8,
  SERVER: 9,
  POLICY_TEST_FAILED: 10,
  VERIFY_FAILED: 11,
  DECISION_CHANGED: 12,
  DOCTOR_FAILED: 13,
  IO: 14,
  UPSTREAM: 15,
}

export function exitCodeFor(code: CliErrorCode): number {
  return EXIT_CODES[code]
}

interface Shaped {
  name?: unknown
  message?: unknown
  code?: unknown
  statusCode?: unknown
  status?: unknown
  cause?: unknown
  oclif?: { exit?: unknown }
  errors?: unknown
}

const NODE_IO = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EROFS', 'ENOSPC', 'EADDRINUSE', 'EADDRNOTAVAIL'])
const NODE_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET'])

function fromStatus(status: number, message: string, err: unknown): CliError | null {
  if (status === 401) return new CliError('UNAUTHORIZED', message, { hint: 'Pass --token or set FARAMESH_TOKEN.', cause: err })
  if (status === 403) return new CliError('FORBIDDEN', message, { cause: err })
  if (status === 404) return new CliError('NOT_FOUND', message, { cause: err })
  if (status === 409) return new CliError('CONFLICT', message, { cause: err })
  if (status === 413 || status === 422 || status === 400) return new CliError('VALIDATION', message, { cause: err })
  if (status >= 500) return new CliError('SERVER', message, { cause: err })
  return null
}

/** Turns anything thrown (SDK, policy-core, ledger, oclif parser, Node) into a CliError with the right code. */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err
  const e = (typeof err === 'object' && err !== null ? err : {}) as Shaped
  const name = typeof e.name === 'string' ? e.name : ''
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err)
  if (e.oclif?.exit === 2 || /Parse|Flag|Arg/.test(name)) return new CliError('USAGE', message, { cause: err })
  if (name === 'PolicyError') {
    const formatted = typeof (err as { format?: unknown }).format === 'function' ? (err as { format(): string }).format() : message
    return new CliError('POLICY_INVALID', `Invalid policy:\n${formatted}`, { cause: err, details: e.errors })
  }
  if (name.startsWith('Faramesh')) {
    if (e.code === 'TIMEOUT' || e.code === 'APPROVAL_TIMEOUT') return new CliError('TIMEOUT', message, { cause: err })
    if (e.code === 'CONNECTION' || e.code === 'UNAVAILABLE') {
      return new CliError('CONNECTION', message, { hint: NOT_RUNNING(), cause: err })
    }
  }
  // The server's configuration errors (bad FARAMESH_* values, an open gateway on a public address) are the
  // operator's input, not a gateway failure.
  if (name === 'ApiError' && e.code === 'CONFIG_INVALID') {
    return new CliError('VALIDATION', message, { cause: err, hint: `Check the environment and .env (${suggest('doctor')} lists every problem).` })
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : null
  if (status !== null) {
    const mapped = fromStatus(status, message, err)
    if (mapped) return mapped
  }
  // Any other answer the SDK could not use (a 2xx that is not JSON or not the expected shape, 429, another 4xx):
  // the gateway's failure, whichever endpoint it came from.
  if (name.startsWith('Faramesh') && (e.code === 'SERVER' || e.code === 'RATE_LIMITED' || e.code === 'HTTP')) {
    return new CliError('SERVER', message, { cause: err })
  }
  if (name === 'LedgerError') {
    const code =
      e.code === 'NOT_FOUND' ? 'NOT_FOUND' : e.code === 'INVALID_TRANSITION' ? 'CONFLICT' : e.code === 'INVALID_INPUT' ? 'VALIDATION' : 'IO'
    return new CliError(code, message, { cause: err })
  }
  const nodeCode = typeof e.code === 'string' ? e.code : undefined
  const rawCause = (e.cause as Shaped | undefined)?.code
  const causeCode = typeof rawCause === 'string' ? rawCause : undefined
  if (nodeCode && NODE_IO.has(nodeCode)) return new CliError('IO', message, { cause: err })
  if ((nodeCode && NODE_NET.has(nodeCode)) || (causeCode !== undefined && NODE_NET.has(causeCode))) {
    return new CliError('CONNECTION', `Cannot reach the gateway (${causeCode ?? nodeCode ?? 'network error'})`, {
      hint: NOT_RUNNING(),
      cause: err,
    })
  }
  if (name === 'AbortError' || name === 'TimeoutError') return new CliError('TIMEOUT', message, { cause: err })
  if (name === 'YAMLException') return new CliError('VALIDATION', message, { cause: err })
  return new CliError('INTERNAL', message, { cause: err })
}
