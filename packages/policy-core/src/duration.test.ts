import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { durationMs, type DurationUnit } from './duration.js'

const ALL: DurationUnit[] = ['ms', 's', 'm', 'h', 'd', 'w']

describe('durationMs', () => {
  it('reads a whole number and one of the allowed units', () => {
    expect(durationMs('90s', ALL)).toBe(90_000)
    expect(durationMs(' 30 m ', ALL)).toBe(1_800_000)
    expect(durationMs('24h', ALL)).toBe(86_400_000)
    expect(durationMs('7d', ALL)).toBe(604_800_000)
    expect(durationMs('2w', ALL)).toBe(1_209_600_000)
    expect(durationMs('500ms', ALL)).toBe(500)
    expect(durationMs('0s', ALL)).toBe(0)
  })

  it('reads a bare number in the `bare` unit, and not at all without one', () => {
    expect(durationMs('90', ['s'], 's')).toBe(90_000)
    expect(durationMs('90', ['s'])).toBeNull()
  })

  it('refuses units not allowed, other spellings, signs, decimals and case', () => {
    for (const bad of ['2w', '5ms', '7D', '1.5h', '-3m', '+3m', 'h', '', '3 hours', '3mm', '3m5s', '0x10s', '1e3s']) {
      expect(durationMs(bad, ['s', 'm', 'h', 'd']), bad).toBeNull()
    }
  })

  it('agrees with the plain definition for every number, unit and spacing', () => {
    const ms: Record<DurationUnit, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000, w: 604800000 }
    fc.assert(
      fc.property(fc.nat(), fc.constantFrom(...ALL), fc.constantFrom('', ' ', '  '), (n, unit, gap) => {
        expect(durationMs(`${n}${gap}${unit}`, ALL)).toBe(n * ms[unit])
        expect(durationMs(`${n}${gap}${unit}`, ALL.filter((u) => u !== unit))).toBeNull()
      }),
    )
  })
})
