import { describe, expect, it } from 'vitest'
import { parseLifetime, parseSince } from './duration.js'

const NOW = new Date('2026-06-01T12:00:00.000Z')

describe('command-line durations', () => {
  it('--since takes a look-back window or a date', () => {
    expect(parseSince('30m', NOW)).toBe('2026-06-01T11:30:00.000Z')
    expect(parseSince('2w', NOW)).toBe('2026-05-18T12:00:00.000Z')
    expect(parseSince('2026-01-12', NOW)).toBe('2026-01-12T00:00:00.000Z')
  })

  it('--expires takes a lifetime of at least one unit', () => {
    expect(parseLifetime('12h', NOW)).toBe('2026-06-02T00:00:00.000Z')
    expect(() => parseLifetime('0d', NOW)).toThrow('--expires: "0d" is not a duration (12h, 30d, 2w)')
  })

  it('refuses what is neither (units are lower case; no bare numbers, decimals or ms)', () => {
    for (const bad of ['7D', '90', '1.5h', '500ms', '-3d', 'yesterday']) {
      expect(() => parseSince(bad, NOW), bad).toThrow(expect.objectContaining({ code: 'USAGE' }))
      expect(() => parseLifetime(bad, NOW), bad).toThrow(expect.objectContaining({ code: 'USAGE' }))
    }
  })
})
