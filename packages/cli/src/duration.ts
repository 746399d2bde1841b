// Durations on the command line: `--since 7d` (a look-back window) and `--expires 30d` (a lifetime), read by the
// same parser as the gateway's duration settings.
import { durationMs } from '@faramesh/policy-core/duration'
import { CliError } from './errors.js'

/** `30m`, `24h`, `7d`, `2w` → milliseconds, or null when the text is not a duration. */
const inMs = (input: string): number | null => durationMs(input, ['s', 'm', 'h', 'd', 'w'])

export function parseSince(input: string, now: Date = new Date()): string {
  const ms = inMs(input)
  if (ms !== null) return new Date(now.getTime() - ms).toISOString()
  const d = new Date(input)
  if (!Number.isNaN(d.getTime()) && /^\d{4}-\d{2}-\d{2}/.test(input)) return d.toISOString()
  throw new CliError('USAGE', `--since: "${input}" is neither a duration (30m, 24h, 7d, 2w) nor a date (2026-01-12)`)
}

export function parseLifetime(input: string, now: Date = new Date()): string {
  const ms = inMs(input)
  if (ms === null || ms === 0) throw new CliError('USAGE', `--expires: "${input}" is not a duration (12h, 30d, 2w)`)
  return new Date(now.getTime() + ms).toISOString()
}
