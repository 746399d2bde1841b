import fc from 'fast-check'
import { RE2JS } from 're2js'
import { describe, expect, it } from 'vitest'
import { evaluate } from './evaluate.js'
import { PolicyError } from './errors.js'
import { parsePolicy } from './parse-policy.js'
import { compilePattern, literalAlternatives } from './pattern.js'

describe('patterns', () => {
  /** Median of several runs: the machine is shared, and one scheduling hiccup is not what this test is about. */
  function medianMs(run: () => unknown, times = 7): number {
    const xs: number[] = []
    for (let i = 0; i < times; i++) {
      const t0 = performance.now()
      run()
      xs.push(performance.now() - t0)
    }
    return xs.sort((a, b) => a - b)[times >> 1]!
  }

  it('run catastrophic-backtracking patterns in linear time', () => {
    const policy = parsePolicy('rules:\n  - match: {tool: t, pattern: "(a+)+$"}\n    deny: true\n  - match: {tool: t}\n    allow: true\n')
    const request = { agent_id: 'x', tool: 't', operation: 'o', params: { s: 'a'.repeat(50_000) + '!' } }
    // The JSON text ends with `!"}`, so `(a+)+$` does not match and the allow rule applies.
    expect(evaluate(policy, request).rule_index).toBe(1)
    expect(medianMs(() => evaluate(policy, request))).toBeLessThan(10)
    const long = 'a'.repeat(50_000) + '!'
    for (const p of ['(a|aa)+$', '(.*a){20}$', '^(([a-z])+.)+[A-Z]([a-z])+$']) {
      const m = compilePattern(p)
      expect(medianMs(() => m.test(long), 3), p).toBeLessThan(50)
    }
  })

  it('rejects what RE2 cannot compile', () => {
    for (const p of ['(', '[a-', '(?<=a)b', '\\1', 'a{1001}']) {
      expect(() => compilePattern(p), p).toThrow(PolicyError)
    }
  })

  it('treats only plain text, escaped punctuation and | as literal alternatives', () => {
    expect(literalAlternatives('rm -rf|shutdown|reboot')).toEqual(['rm -rf', 'shutdown', 'reboot'])
    expect(literalAlternatives('a\\.b\\|c')).toEqual(['a.b|c'])
    expect(literalAlternatives('a.b')).toBeNull()
    expect(literalAlternatives('\\d')).toBeNull()
    expect(literalAlternatives('(?i)x')).toBeNull()
    expect(compilePattern('rm -rf|mkfs').engine).toBe('literal')
    expect(compilePattern('rm\\s+-rf').engine).toBe('re2')
  })

  it('the literal fast path answers exactly as RE2 does (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '-', ' ', '.', '|', '\\', '"', 'é', '😀')
    const pattern = fc.array(alphabet, { maxLength: 8 }).map((cs) => cs.join(''))
    fc.assert(
      fc.property(pattern, fc.array(alphabet, { maxLength: 20 }).map((cs) => cs.join('')), (p, text) => {
        let m
        try {
          m = compilePattern(p)
        } catch {
          return
        }
        expect(m.test(text)).toBe(RE2JS.compile(p).test(text))
      }),
      { numRuns: 2000 },
    )
  })
})
