// The fast paths (plain JSON skips the replacer and the JSON round trip) must give exactly the bytes of the slow
// ones, and everything that is not plain JSON must still take the slow path.
import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical.js'
import { isPlainJson, toJson } from './action-codec.js'
import { prepareEvent } from './write-ops.js'

const slowMeta = (meta: unknown) => canonicalJson(JSON.parse(JSON.stringify(meta)))

describe('isPlainJson', () => {
  it('accepts JSON data and refuses what JSON.stringify would change or reject', () => {
    for (const v of [null, true, 'x', 0, -1.5, [], {}, { a: [1, { b: null }], c: 'é\u{1F600}' }, Object.create(null)]) {
      expect(isPlainJson(v)).toBe(true)
    }
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const shown = Object.assign([1], { toJSON: () => 'x' })
    for (const v of [shown, { list: shown }, undefined, Number.NaN, Infinity, 1n, () => 1, Symbol('s'), new Date(0), { a: undefined }, [undefined], { toJSON: () => 1 }, cyclic]) {
      expect(isPlainJson(v)).toBe(false)
    }
  })
})

describe('toJson', () => {
  it('gives JSON.stringify bytes for plain data and still refuses non-finite numbers', () => {
    const v = { url: 'https://example.com/a?q="x"', n: [1, 2.5, -0], nested: { t: true, z: null } }
    expect(toJson('params', v)).toBe(JSON.stringify(v))
    expect(toJson('params', { at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}')
    expect(() => toJson('params', { x: Number.NaN })).toThrow(/params is not JSON-serialisable/)
    expect(() => toJson('params', { x: [Infinity] })).toThrow(/NaN or Infinity/)
  })
})

describe('prepareEvent meta', () => {
  it('is the canonical text of the meta as it will be read back, on both paths', () => {
    const plain = { z: 1, a: 'x', nested: { b: [1, -0, 'y'] }, by: null }
    const odd = { z: 1, gone: undefined, at: new Date(0), nested: { b: [1, 'y'] } }
    const shown = { list: Object.assign([1], { toJSON: () => 'x' }) }
    for (const meta of [plain, odd, shown]) {
      expect(prepareEvent('a1', { event_type: 'created', meta }, '2026-01-01T00:00:00.000Z').meta).toBe(slowMeta(meta))
    }
    expect(() => prepareEvent('a1', { event_type: 'created', meta: { n: Number.NaN } }, 'now')).toThrow(/cannot be canonicalised/)
  })
})
