// Durations as people type them: a whole number and a unit (`90s`, `30m`, `24h`, `7d`, `2w`, `500ms`). The gateway
// (FARAMESH_APPROVAL_TTL, FARAMESH_BODY_TIMEOUT, FARAMESH_CHECKPOINT_EVERY) and the CLI (`--since`, `--expires`)
// each accept a subset, passed in `units`. Written here rather than taken from `ms`: that package also reads
// decimals, negative numbers, years and a bare number as milliseconds, none of which these settings accept.

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const

export type DurationUnit = keyof typeof UNIT_MS

/**
 * `text` (spaces around it and before the unit allowed; case-sensitive) → milliseconds, or null when it is not a
 * whole number followed by one of `units`. A bare number counts in `bare` when given, else is not a duration.
 */
export function durationMs(text: string, units: readonly DurationUnit[], bare?: DurationUnit): number | null {
  const m = /^(\d+)\s*([a-z]*)$/.exec(text.trim())
  if (!m) return null
  const unit = m[2] === '' ? bare : units.find((u) => u === m[2])
  return unit === undefined ? null : Number(m[1]) * UNIT_MS[unit]
}
