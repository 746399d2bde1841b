import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { describeRange, minimumOf, supportedRange, unsupportedNode } from './node-version.js'

describe('node-version', () => {
  it('reads the minimum from engines.node', () => {
    expect(supportedRange()).toBe('>=22')
    expect(minimumOf(supportedRange())).toEqual([22, 0, 0])
  })

  it('accepts the minimum and anything newer, refuses anything older', () => {
    expect(unsupportedNode('22.0.0', '>=22')).toBeNull()
    expect(unsupportedNode('v22.23.3', '>=22')).toBeNull()
    expect(unsupportedNode('24.1.0', '>=22')).toBeNull()
    expect(unsupportedNode('20.20.2', '>=22')).toBe('Node.js 20.20.2 is too old: Faramesh needs Node.js 22 or newer')
    expect(unsupportedNode('22.4.9', '>=22.5')).toBe('Node.js 22.4.9 is too old: Faramesh needs Node.js 22.5 or newer')
    expect(unsupportedNode('22.5.0-nightly2025', '>=22.5')).toBeNull()
    expect(unsupportedNode('22.5.0', '>=22.5.1')).toMatch(/needs Node\.js 22\.5\.1 or newer$/)
  })

  it('refuses a range shape it cannot read, instead of guessing', () => {
    expect(() => minimumOf('^22')).toThrow(/>=MAJOR/)
    expect(() => describeRange('22.x')).toThrow(/>=MAJOR/)
  })

  it('is the same minimum as the workspace root declares (one number, no drift)', () => {
    const root = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } }
    expect(minimumOf(root.engines.node)).toEqual(minimumOf(supportedRange()))
  })
})
