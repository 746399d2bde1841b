import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseStrictJson } from './strict-json.js'

describe('parseStrictJson', () => {
  it('agrees with JSON.parse on every JSON value without duplicate or prototype keys', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = JSON.stringify(v)
        if (/"(__proto__|constructor|prototype)":/.test(text)) return
        expect(parseStrictJson(text)).toEqual(JSON.parse(text))
      }),
      { numRuns: 500 },
    )
  })

  it('refuses what JSON.parse would silently accept', () => {
    expect(() => parseStrictJson('{"a":1,"a":2}')).toThrow(/Duplicate key/)
    expect(() => parseStrictJson('{"__proto__":{}}')).toThrow(/not allowed/)
    expect(() => parseStrictJson('1e999')).toThrow(/out of range/)
    expect(() => parseStrictJson('['.repeat(100) + ']'.repeat(100))).toThrow(/deeper/)
  })

  it('names the path of the problem in the 422 detail', () => {
    const locOf = (text: string) => {
      try {
        parseStrictJson(text)
      } catch (err) {
        return (err as { issues: Array<{ loc: unknown[]; type: string }> }).issues[0]
      }
      throw new Error('accepted')
    }
    expect(locOf('{"params":{"items":[1,{"a":1,"a":2}]}}')).toEqual(
      expect.objectContaining({ loc: ['body', 'params', 'items', 1, 'a'], type: 'value_error.duplicate_key' }),
    )
    expect(locOf('{"params":{"x":[true,1e999]}}')).toEqual(expect.objectContaining({ loc: ['body', 'params', 'x', 1], type: 'value_error.number' }))
    expect(locOf('{"params":{"ids":[1,18446744073709551615]}}')).toEqual(
      expect.objectContaining({ loc: ['body', 'params', 'ids', 1], type: 'value_error.number' }),
    )
    expect(locOf('{"a":{"b":1 "c":2}}')).toEqual(expect.objectContaining({ loc: ['body', 'a'] }))
    expect(locOf('{"a":[1,2}')).toEqual(expect.objectContaining({ loc: ['body', 'a'] }))
    expect(locOf('{"a":{"constructor":1}}')).toEqual(expect.objectContaining({ loc: ['body', 'a', 'constructor'], type: 'value_error.forbidden_key' }))
    expect(locOf('{"a":1} x')).toEqual(expect.objectContaining({ loc: ['body'] }))
  })

  it('refuses an integer a double cannot hold digit for digit, and keeps every one it can', () => {
    // 2^60 is a double, but a double prints it as 1152921504606847000: stored and hashed, the digits would change.
    for (const big of ['12345678901234567890', '-9007199254740993', '1152921504606846976', '{"params":{"id":1234567890123456789}}']) {
      expect(() => parseStrictJson(big)).toThrow(/would be kept as/)
    }
    // Literals whose digits a double prints back unchanged pass, long or not: they hash as Python hashes the int.
    for (const [text, value] of [
      ['9007199254740991', 9007199254740991],
      ['-9007199254740992', -9007199254740992],
      ['1152921504606847000', 2 ** 60],
      ['123456789012345680000', 123456789012345680000],
      ['123456789012345678.5', Number('123456789012345678.5')], // a fraction is a float in Python too
      ['1e21', 1e21],
      ['-0', -0],
    ] as const) {
      expect(parseStrictJson(text)).toBe(value)
    }
  })

  it('refuses invalid JSON', () => {
    for (const bad of ['', '{', '{"a"}', "{'a':1}", '[1,]', '01', '"\u0001"', 'tru', '1 2']) {
      expect(() => parseStrictJson(bad)).toThrow()
    }
  })
})
