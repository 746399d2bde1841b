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

  it('refuses invalid JSON', () => {
    for (const bad of ['', '{', '{"a"}', "{'a':1}", '[1,]', '01', '"\u0001"', 'tru', '1 2']) {
      expect(() => parseStrictJson(bad)).toThrow()
    }
  })
})
