import { describe, expect, it } from 'vitest'
import { absoluteTime, compactNumber, isDemo, paramsPreview, relativeTime, riskTone, statusLabel, statusTone } from './format.js'

describe('format', () => {
  it('gives every status and risk a tone, with denials and high risk as bad', () => {
    expect(statusTone('denied')).toBe('bad')
    expect(statusTone('pending_approval')).toBe('warn')
    expect(statusTone('succeeded')).toBe('good')
    expect(riskTone('high')).toBe('bad')
    expect(riskTone('medium')).toBe('warn')
    expect(riskTone(null)).toBe('neutral')
    expect(statusLabel('pending_approval')).toBe('pending approval')
  })

  it('previews params as compact JSON cut with an ellipsis', () => {
    expect(paramsPreview({})).toBe('—')
    expect(paramsPreview({ cmd: 'ls' })).toBe('{"cmd":"ls"}')
    const long = paramsPreview({ cmd: 'x'.repeat(100) }, 20)
    expect(long).toHaveLength(20)
    expect(long.endsWith('…')).toBe(true)
  })

  it('does not throw on params it cannot serialise', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(paramsPreview(cyclic)).toBe('[unserialisable]')
  })

  it('says how long ago, relative to an injected now', () => {
    const now = Date.parse('2026-11-25T10:00:00Z')
    expect(relativeTime('2026-11-25T09:59:58Z', now)).toBe('just now')
    expect(relativeTime('2026-11-25T09:59:30Z', now)).toBe('30 s ago')
    expect(relativeTime('2026-11-25T09:55:00Z', now)).toBe('5 min ago')
    expect(relativeTime('2026-11-25T07:00:00Z', now)).toBe('3 h ago')
    expect(relativeTime('2026-11-20T07:00:00Z', now)).toBe('2026-11-20')
    expect(relativeTime('not a date', now)).toBe('not a date')
    expect(absoluteTime('2026-11-25T09:59:30.123Z')).toBe('2026-11-25 09:59:30Z')
  })

  it('recognises demo-seeded actions by their context marker only', () => {
    expect(isDemo({ agent_id: 'x', context: { demo: true } })).toBe(true)
    expect(isDemo({ agent_id: 'demo-agent', context: {} })).toBe(false)
  })

  it('abbreviates large counts', () => {
    expect(compactNumber(999)).toBe('999')
    expect(compactNumber(1500)).toBe('1.5k')
    expect(compactNumber(10_000)).toBe('10k')
    expect(compactNumber(2_000_000)).toBe('2M')
  })
})
