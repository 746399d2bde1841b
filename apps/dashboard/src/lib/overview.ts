// The overview strip's decision-rate chart: decisions per minute over the last half hour, from the newest actions
// the dashboard has seen (one bounded fetch at load, then every action streamed live).

export const WINDOW_MINUTES = 30

/** The strip's figures: X-Total-Count of GET /v1/actions per status. */
export interface Counts {
  total: number
  pending: number
  allowed: number
  denied: number
}
const MINUTE = 60_000

export interface RateSeries {
  /** Oldest first; one entry per minute, the last one is the current minute. `null` = not covered by the data. */
  buckets: (number | null)[]
  /** Decisions per minute over the last five full-or-partial minutes covered. */
  perMinute: number
  peak: number
}

/**
 * `times` are creation times (ms). `coveredSince` is the oldest time the data is complete from: when the bounded
 * fetch was full, minutes before it are unknown rather than zero, so the chart never shows a fake lull.
 */
export function rateSeries(times: Iterable<number>, now: number, coveredSince = -Infinity): RateSeries {
  const currentMinute = Math.floor(now / MINUTE)
  const first = currentMinute - WINDOW_MINUTES + 1
  const buckets: (number | null)[] = Array.from({ length: WINDOW_MINUTES }, (_, i) =>
    (first + i + 1) * MINUTE <= coveredSince ? null : 0,
  )
  for (const t of times) {
    const i = Math.floor(t / MINUTE) - first
    if (i < 0 || i >= WINDOW_MINUTES) continue
    const b = buckets[i]
    if (b !== null && b !== undefined) buckets[i] = b + 1
  }
  const recent = buckets.slice(-5).filter((b): b is number => b !== null)
  const perMinute = recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : 0
  const peak = Math.max(0, ...buckets.map((b) => b ?? 0))
  return { buckets, perMinute, peak }
}

/** An SVG path for the sparkline, in a `width` × `height` box; unknown minutes break the line. */
export function sparklinePath(buckets: (number | null)[], width: number, height: number): string {
  const peak = Math.max(1, ...buckets.map((b) => b ?? 0))
  const step = buckets.length > 1 ? width / (buckets.length - 1) : width
  let d = ''
  let pen = false
  buckets.forEach((b, i) => {
    if (b === null) {
      pen = false
      return
    }
    const x = (i * step).toFixed(1)
    const y = (height - (b / peak) * (height - 2) - 1).toFixed(1)
    d += `${pen ? 'L' : 'M'}${x},${y}`
    pen = true
  })
  return d
}
