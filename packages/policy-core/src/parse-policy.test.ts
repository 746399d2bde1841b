import fc from 'fast-check'
import { load } from 'js-yaml'
import { describe, expect, it } from 'vitest'
import { PolicyError } from './errors.js'
import { parsePolicy, policyFromObject } from './parse-policy.js'

function problems(yaml: string): PolicyError {
  try {
    parsePolicy(yaml, { source: 'p.yaml' })
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyError)
    return err as PolicyError
  }
  throw new Error('expected a PolicyError')
}

describe('parsePolicy', () => {
  it('compiles rules and risk rules in order', () => {
    const p = parsePolicy(
      'rules:\n  - match: {tool: http, op: get}\n    allow: true\n    description: d\n    risk: low\n' +
        '  - match: {tool: "*"}\n    deny: true\nrisk:\n  rules:\n    - {name: r1, when: {tool: shell}, risk_level: high}\n',
      { source: 'x.yaml' },
    )
    expect(p.rules.map((r) => [r.index, r.effect, r.description, r.risk, r.tool])).toEqual([
      [0, 'allow', 'd', 'low', 'http'],
      [1, 'deny', null, null, null],
    ])
    expect(p.riskRules.map((r) => [r.name, r.risk_level])).toEqual([['r1', 'high']])
    expect(p.source).toBe('x.yaml')
    expect(p.hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('reports an unknown match key with its path, line, column and a suggestion', () => {
    const e = problems('rules:\n  - match:\n      tool: stripe\n      amout_gt: 5\n    allow: true\n')
    expect(e).toMatchObject({ code: 'UNKNOWN_KEY', path: 'rules[0].match.amout_gt', line: 4, column: 7, source: 'p.yaml' })
    expect(e.message).toContain('did you mean "amount_gt"?')
    expect(e.errors[0]?.suggestion).toBe('amount_gt')
  })

  it('reports an unknown effect with a suggestion, and the rule as having no effect', () => {
    const e = problems('rules:\n  - match: {tool: x}\n    requires_approval: true\n')
    const codes = e.errors.map((i) => [i.code, i.path, i.suggestion])
    expect(codes).toContainEqual(['UNKNOWN_KEY', 'rules[0].requires_approval', 'require_approval'])
    expect(codes).toContainEqual(['NO_EFFECT', 'rules[0]', undefined])
  })

  it('rejects a rule with two effects, and one with none', () => {
    expect(problems('rules:\n  - match: {tool: x}\n    allow: true\n    deny: true\n')).toMatchObject({
      code: 'MULTIPLE_EFFECTS',
      path: 'rules[0]',
      line: 2,
      column: 5,
    })
    expect(problems('rules:\n  - match: {tool: x}\n    description: nothing\n').code).toBe('NO_EFFECT')
  })

  it('rejects an effect set to false', () => {
    const e = problems('rules:\n  - match: {tool: x}\n    allow: false\n')
    expect(e).toMatchObject({ code: 'SCHEMA_VIOLATION', path: 'rules[0].allow', line: 3, column: 12 })
  })

  it('rejects an empty match, and a missing one', () => {
    expect(problems('rules:\n  - match: {}\n    allow: true\n')).toMatchObject({ code: 'EMPTY_MATCH', path: 'rules[0].match' })
    expect(problems('rules:\n  - allow: true\n')).toMatchObject({ code: 'SCHEMA_VIOLATION', path: 'rules[0]' })
  })

  it('rejects an invalid RE2 pattern at load, with its location', () => {
    const e = problems('rules:\n  - match:\n      pattern: "(unclosed"\n    deny: true\n')
    expect(e).toMatchObject({ code: 'INVALID_PATTERN', path: 'rules[0].match.pattern', line: 3, column: 16 })
    // Backreferences and lookaheads are not RE2.
    expect(problems('rules:\n  - match: {pattern: "(a)\\\\1"}\n    deny: true\n').code).toBe('INVALID_PATTERN')
    expect(problems('rules:\n  - match: {pattern: "a(?=b)"}\n    deny: true\n').code).toBe('INVALID_PATTERN')
  })

  it('rejects wrong types: a quoted number limit, a list where a string belongs', () => {
    expect(problems('rules:\n  - match: {amount_gt: "1000"}\n    deny: true\n')).toMatchObject({
      code: 'SCHEMA_VIOLATION',
      path: 'rules[0].match.amount_gt',
    })
    expect(problems('rules:\n  - match: {tool: [a, b]}\n    deny: true\n').message).toContain('must be a string')
  })

  it('rejects an unknown risk level with a suggestion', () => {
    const e = problems('rules:\n  - match: {tool: x}\n    deny: true\n    risk: hihg\n')
    expect(e).toMatchObject({ code: 'SCHEMA_VIOLATION', path: 'rules[0].risk', line: 4, column: 11 })
    expect(e.message).toContain('did you mean "high"?')
    expect(problems('rules: []\nrisk:\n  rules:\n    - {name: r, when: {tool: x}, risk_level: severe}\n').path).toBe(
      'risk.rules[0].risk_level',
    )
  })

  it('rejects field without value and value without field', () => {
    expect(problems('rules:\n  - match: {field: env}\n    deny: true\n').code).toBe('SCHEMA_VIOLATION')
    expect(problems('rules:\n  - match: {value: 1}\n    deny: true\n').code).toBe('SCHEMA_VIOLATION')
  })

  it('rejects non-finite numbers', () => {
    expect(problems('rules:\n  - match: {amount_gt: .inf}\n    deny: true\n')).toMatchObject({
      code: 'INVALID_NUMBER',
      path: 'rules[0].match.amount_gt',
    })
  })

  it('lists every problem, in document order', () => {
    const e = problems(
      'rules:\n  - match: {tool: x, amout_gt: 5}\n    allow: true\n    deny: true\n  - match: {}\n    alow: true\n  - match: {pattern: "("}\n    deny: true\n',
    )
    expect(e.errors.map((i) => i.code)).toEqual(['MULTIPLE_EFFECTS', 'UNKNOWN_KEY', 'NO_EFFECT', 'EMPTY_MATCH', 'UNKNOWN_KEY', 'INVALID_PATTERN'])
    expect(e.message).toMatch(/\(and 5 more problems\)$/)
    expect(e.format().split('\n')[0]).toBe('p.yaml:2:5 rules[0]: rules[0] has 2 effects (allow, deny); a rule has exactly one')
  })

  it('reports YAML syntax errors with a line and column', () => {
    const e = problems('rules:\n  - match: {tool: x\n    allow: true\n')
    expect(e.code).toBe('YAML_SYNTAX')
    expect(e.line).toBeGreaterThan(0)
    expect(e.column).toBeGreaterThan(0)
    expect(problems('rules:\n  - match: {tool: x}\n    allow: true\n    allow: true\n').code).toBe('YAML_SYNTAX')
  })

  it('rejects documents that are not a policy mapping', () => {
    expect(problems('').code).toBe('INVALID_DOCUMENT')
    expect(problems('a: 1\n---\nb: 2\n').code).toBe('INVALID_DOCUMENT')
    expect(problems('- 1\n- 2\n')).toMatchObject({ code: 'SCHEMA_VIOLATION', path: '' })
    expect(problems('risk: {}\n').message).toContain('missing the required key "rules"')
    expect(problems('rulez: []\n').errors.map((i) => i.suggestion)).toContain('rules')
    expect(() => parsePolicy(42 as unknown as string)).toThrow(PolicyError)
  })

  it('does not construct JS-specific types from YAML tags', () => {
    expect(problems('rules: !!js/function "function(){}"\n').code).toBe('YAML_SYNTAX')
    const p = parsePolicy('rules:\n  - match: {field: d, value: 2024-01-01}\n    allow: true\n')
    expect(p.rules[0]?.match.value).toBe('2024-01-01')
  })

  it('accepts a policy given as an object (JSON input)', () => {
    const p = policyFromObject({ rules: [{ match: { tool: 'a' }, allow: true }] })
    expect(p.rules).toHaveLength(1)
    expect(() => policyFromObject({ rules: [{ match: { tool: 'a' } }] })).toThrow(PolicyError)
  })

  it('yields a policy or a PolicyError for any YAML text, nothing else (property)', () => {
    const matchValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }))
    const matchKey = fc.constantFrom('tool', 'op', 'operation', 'contains', 'pattern', 'amount_gt', 'amount_lte', 'field', 'value', 'path_contains', 'method', 'bogus')
    const rule = fc.record(
      {
        match: fc.dictionary(matchKey, matchValue, { maxKeys: 4 }),
        allow: fc.oneof(fc.constant(true), fc.constant(false), fc.string()),
        deny: fc.constant(true),
        description: fc.string(),
        risk: fc.constantFrom('low', 'medium', 'high', 'extreme'),
      },
      { requiredKeys: [] },
    )
    const doc = fc.oneof(fc.record({ rules: fc.array(rule, { maxLength: 4 }) }), fc.jsonValue())
    const text = fc.oneof(
      doc.map((d) => JSON.stringify(d) ?? 'null'),
      fc.string(),
      fc.array(fc.constantFrom('rules:', '  - match:', '      tool: x', '    allow: true', '    deny: true', '  -', ': :', '{', '"', '\t', '&a', '*a'), { maxLength: 8 }).map((l) => l.join('\n')),
    )
    fc.assert(
      fc.property(text, (t) => {
        try {
          const p = parsePolicy(t)
          expect(Array.isArray(p.rules)).toBe(true)
          expect(load(t)).toBeTypeOf('object')
        } catch (err) {
          expect(err).toBeInstanceOf(PolicyError)
          const e = err as PolicyError
          expect(e.errors.length).toBeGreaterThan(0)
          expect(e.message).not.toContain('\n')
        }
      }),
      { numRuns: 500 },
    )
  })
})

describe('parsePolicy limits', () => {
  it('rejects alias bombs instead of hanging', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 9; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`)
    const started = Date.now()
    expect(() => parsePolicy(`${levels.join('\n')}\nrules: []\n`)).toThrow(expect.objectContaining({ code: 'INVALID_DOCUMENT' }))
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('keeps messages on one line even when a pattern spans lines', () => {
    try {
      parsePolicy('rules:\n  - match: {pattern: "(\\nx"}\n    deny: true\n')
      expect.unreachable()
    } catch (err) {
      const e = err as PolicyError
      expect(e.code).toBe('INVALID_PATTERN')
      expect(e.message).not.toMatch(/\n/)
      expect(e.errors[0]?.message).not.toMatch(/\n/)
    }
  })

  it('allows modest alias use', () => {
    const p = parsePolicy(
      'risk:\n  rules:\n    - name: r\n      risk_level: low\n      when: &m {tool: http}\n' +
        'rules:\n  - match: *m\n    allow: true\n  - match: *m\n    deny: true\n',
    )
    expect(p.rules.map((r) => r.match)).toEqual([{ tool: 'http' }, { tool: 'http' }])
  })
})
