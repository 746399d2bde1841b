import { createHash } from 'node:crypto'
import { canonicalJson as coreCanonical, requestHash } from '@faramesh/policy-core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson, computeRequestHash, sha256Hex, verifyRequestHash } from './canonical.js'
import { FarameshValidationError } from './errors.js'

// Valid Unicode only: lone surrogates have no UTF-8 form and policy-core rejects them.
const str = fc.string({ unit: 'grapheme' })
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    str,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(str, tie('value'), { maxKeys: 4 }),
  ),
})).value

describe('canonical JSON and request hashes', () => {
  it('sha256Hex equals node:crypto for any text, including multi-byte and block-boundary lengths', () => {
    for (const n of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const s = 'a'.repeat(n)
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s).digest('hex'))
    }
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => sha256Hex(s) === createHash('sha256').update(s).digest('hex')))
  })

  it('produces the same bytes as @faramesh/policy-core for any JSON value', () => {
    fc.assert(fc.property(json, (v) => canonicalJson(v) === coreCanonical(v)), { numRuns: 400 })
  })

  it('writes numbers without exponents or trailing zeros', () => {
    expect(canonicalJson([1.0, 1e21, 1.5, 1e-7, -0, -2.5e-8, 123456789012345680000])).toBe(
      '[1,1000000000000000000000,1.5,0.0000001,0,-0.000000025,123456789012345680000]',
    )
  })

  it('sorts keys by code point and escapes only what JSON requires', () => {
    expect(canonicalJson({ '\uff01': 1, '\u{1f600}': 2, b: 'é\n"\u0001', a: [] })).toBe('{"a":[],"b":"é\\n\\"\\u0001","！":1,"😀":2}')
  })

  it('fails closed on NaN and Infinity', () => {
    expect(() => canonicalJson({ x: NaN })).toThrow(FarameshValidationError)
    expect(() => canonicalJson([Infinity])).toThrow(FarameshValidationError)
  })

  it('computes the gateway request hash and verifies it', () => {
    fc.assert(
      fc.property(str, str, fc.dictionary(str, json, { maxKeys: 3 }), (tool, op, params) => {
        const p = { agent_id: 'a', tool, operation: op, params }
        const h = requestHash(p)
        return computeRequestHash(p) === h && verifyRequestHash(p, h) && !verifyRequestHash({ ...p, agent_id: 'b' }, h)
      }),
      { numRuns: 200 },
    )
  })
})
