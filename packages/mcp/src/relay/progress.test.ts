import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProgressLine } from './progress.js'

describe('ProgressLine', () => {
  it('whatever the server sends after any number of hold ticks, what the client sees strictly increases', () => {
    const upstream = fc.array(
      fc.record({ progress: fc.oneof(fc.double({ noNaN: false }), fc.integer({ min: -5, max: 100 })), total: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }) }),
      { maxLength: 40 },
    )
    fc.assert(
      fc.property(fc.nat({ max: 30 }), upstream, (ticks, sent) => {
        const line = new ProgressLine()
        const seen: number[] = []
        for (let i = 0; i < ticks; i++) seen.push(line.tick())
        for (const p of sent) {
          const out = line.shift(p)
          if (out) seen.push(out.progress)
        }
        for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!)
        for (const v of seen) expect(Number.isFinite(v)).toBe(true)
      }),
    )
  })

  it("a server's increasing progress passes whole (shifted past the ticks, total shifted with it)", () => {
    const line = new ProgressLine()
    line.tick()
    line.tick()
    expect([0, 1, 2].map((p) => line.shift({ progress: p, total: 3 }))).toEqual([
      { progress: 3, total: 6 },
      { progress: 4, total: 6 },
      { progress: 5, total: 6 },
    ])
  })

  it('without ticks the values pass unchanged', () => {
    const line = new ProgressLine()
    expect(line.shift({ progress: 0 })).toEqual({ progress: 0 })
    expect(line.shift({ progress: 0.5, total: 1 })).toEqual({ progress: 0.5, total: 1 })
  })
})
