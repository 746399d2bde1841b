import { describe, expect, it } from 'vitest'
import { rateSeries, sparklinePath, WINDOW_MINUTES } from './overview.js'

const now = Date.parse('2026-11-25T10:00:30Z')
const at = (minutesAgo: number) => now - minutesAgo * 60_000

describe('decision rate', () => {
  it('buckets decisions per minute over the window, newest last', () => {
    const s = rateSeries([at(0), at(0), at(1), at(29), at(45)], now)
    expect(s.buckets).toHaveLength(WINDOW_MINUTES)
    expect(s.buckets.at(-1)).toBe(2)
    expect(s.buckets.at(-2)).toBe(1)
    expect(s.buckets[0]).toBe(1)
    expect(s.peak).toBe(2)
    expect(s.perMinute).toBeCloseTo(3 / 5)
  })

  it('marks minutes before the covered range as unknown instead of zero', () => {
    const s = rateSeries([at(0)], now, at(10))
    expect(s.buckets.slice(0, 19).every((b) => b === null)).toBe(true)
    expect(s.buckets.at(-1)).toBe(1)
  })

  it('draws a sparkline that breaks over unknown minutes', () => {
    expect(sparklinePath([1, 2, null, 2], 30, 10)).toBe('M0.0,5.0L10.0,1.0M30.0,1.0')
    expect(sparklinePath([0, 0], 10, 10)).toBe('M0.0,9.0L10.0,9.0')
  })
})
