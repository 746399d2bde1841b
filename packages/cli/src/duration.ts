// Durations on the command line: `--since 7d` (a look-back window) and `--expires 30d` (a lifetime).
import { CliError } from './errors.js'

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

/** `30m`, `24h`, `7d`, `2w` → milliseconds, or null when the text is not a duration. */
export function durationMs(input: string): number | null {
  const m = /^(\d+)\s*([smhdw])$/.exec(input.trim())
  return m ? Number(m[1]) * (UNIT_MS[m[2] as string] as number) : null
}

export function parseSince(input: string, now: Date = new Date()): string {
  const ms = durationMs(input)
  if (ms !== null) return new Date(now.getTime() - ms).toISOString()
  const d = new Date(input)
  if (!Number.isNaN(d.getTime()) && /^\d{4}-\d{2}-\d{2}/.test(input)) return d.toISOString()
  throw new CliError('USAGE', `--since: "${input}" is neither a duration (30m, 24h, 7d, 2w) nor a date (2026-01-12)`)
}

export function parseLifetime(input: string, now: Date = new Date()): string {
  const ms = durationMs(input)
  if (ms === null || ms === 0) throw new CliError('USAGE', `--expires: "${input}" is not a duration (12h, 30d, 2w)`)
  return new Date(now.getTime() + ms).toISOString()
}
