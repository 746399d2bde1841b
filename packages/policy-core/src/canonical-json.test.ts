import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import vectors from '../test/python-vectors.json' with { type: 'json' }
import { canonicalJson, compareCodePoints, formatNumber } from './canonical-json.js'
import { PolicyError } from './errors.js'
import { sha256Hex } from './hashes.js'

describe('canonicalJson', () => {
  it.each(vectors)('matches the Python reference byte for byte: $input', ({ input, canonical, sha256 }) => {
    const text = canonicalJson(JSON.parse(input))
    expect(text).toBe(canonical)
    expect(sha256Hex(text)).toBe(sha256)
  })

  it('writes numbers without exponents or trailing zeros', () => {
    expect(formatNumber(1.0)).toBe('1')
    expect(formatNumber(1.5)).toBe('1.5')
    expect(formatNumber(1e21)).toBe('1000000000000000000000')
    expect(formatNumber(1e-7)).toBe('0.0000001')
    expect(formatNumber(-1.25e-7)).toBe('-0.000000125')
    expect(formatNumber(-0)).toBe('0')
    // Beyond 2^53 JS (like Python's float repr) keeps the shortest round-trip digits.
    expect(formatNumber(2 ** 60)).toBe('1152921504606847000')
    expect(formatNumber(1.2345e25)).toBe('12345000000000000000000000')
  })

  it('escapes only quote, backslash and control characters, with lowercase hex', () => {
    expect(canonicalJson('a"b\\c\u0001\u001f\u007f/é😀')).toBe('"a\\"b\\\\c\\u0001\\u001f\u007f/é😀"')
    expect(canonicalJson('\b\f\n\r\t')).toBe('"\\b\\f\\n\\r\\t"')
  })

  it('sorts keys by code point, not UTF-16 unit', () => {
    expect(canonicalJson({ '\uff01': 1, '😀': 2 })).toBe('{"！":1,"😀":2}')
    expect(['😀', '\uff01', 'a'].sort(compareCodePoints)).toEqual(['a', '\uff01', '😀'])
  })

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['undefined', undefined],
    ['a function', () => 1],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a symbol', Symbol('x')],
    ['a lone surrogate', '\ud800x'],
    ['a nested NaN', { a: [1, { b: NaN }] }],
    ['an undefined property', { a: undefined }],
  ])('refuses %s with NOT_CANONICALIZABLE', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(PolicyError)
    try {
      canonicalJson(value)
    } catch (err) {
      expect((err as PolicyError).code).toBe('NOT_CANONICALIZABLE')
    }
  })

  it('orders any Unicode keys by code point (property)', () => {
    const byCodePoint = (a: string, b: string): number => {
      const x = Array.from(a, (c) => c.codePointAt(0)!)
      const y = Array.from(b, (c) => c.codePointAt(0)!)
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
      return x.length - y.length
    }
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 4 }), { maxLength: 8 }), (keys) => {
        const obj = Object.fromEntries(keys.map((k, i) => [k, i]))
        const order = Object.keys(JSON.parse(canonicalJson(obj)) as object)
        // JSON.parse keeps insertion order for non-index keys; compare on those.
        const plain = (k: string): boolean => !/^(0|[1-9]\d*)$/.test(k)
        expect(order.filter(plain)).toEqual([...keys].sort(byCodePoint).filter(plain))
      }),
    )
  })

  it('gives the same bytes on the fast path (flat, keys in order) as on the general one (property)', () => {
    const value = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constantFrom('a"b\\c', '\u0000\u001f\u007f', '\b\f\n\r\t', '😀', ''),
      fc.maxSafeInteger(),
      fc.integer(),
      fc.constantFrom(-0, 0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
      fc.boolean(),
      fc.constant(null),
    )
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'grapheme', maxLength: 6 }), value, { maxKeys: 12 }), (dict) => {
        const sorted = Object.keys(dict).sort(compareCodePoints)
        const entries = sorted.map((k) => [k, dict[k]] as const)
        // In order: the fast path whenever Object.keys keeps that order; reversed: always the general path.
        const inOrder = Object.fromEntries(entries)
        const reversed = Object.fromEntries([...entries].reverse())
        let a: string | Error
        let b: string | Error
        try {
          a = canonicalJson(inOrder)
        } catch (err) {
          a = err as Error
        }
        try {
          b = canonicalJson(reversed)
        } catch (err) {
          b = err as Error
        }
        if (typeof a === 'string' || typeof b === 'string') expect(a).toBe(b)
        else expect((a as PolicyError).code).toBe((b as PolicyError).code)
      }),
      { numRuns: 500 },
    )
    expect(canonicalJson({ a: 1, b: 'x\ny', c: null, d: true, e: -0 })).toBe('{"a":1,"b":"x\\ny","c":null,"d":true,"e":0}')
    expect(() => canonicalJson({ a: 'ok', b: '\ud800' })).toThrow(/lone surrogate/)
    expect(canonicalJson({ a: 1.5, b: 1e21 })).toBe('{"a":1.5,"b":1000000000000000000000}')
  })

  it('refuses cycles but allows shared (acyclic) references', () => {
    const shared = { x: 1 }
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}')
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => canonicalJson(cyclic)).toThrow(/cyclic/)
  })

  it('does not depend on key order (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse())
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj))
      }),
    )
  })

  it('round-trips through JSON.parse to an equal value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value)
        // -0 has no canonical spelling of its own; it is written as 0.
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value), (_k, v: unknown) => (Object.is(v, -0) ? 0 : v)))
        expect(canonicalJson(JSON.parse(text))).toBe(text)
      }),
    )
  })

  it('writes every finite double so that it parses back to the same double (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const s = formatNumber(n)
        expect(s).not.toMatch(/e/i)
        expect(Number(s)).toBe(n === 0 ? 0 : n)
      }),
    )
  })
})
