// The fast paths (plain JSON skips the replacer and the JSON round trip) must give exactly the bytes of the slow
// ones, and everything that is not plain JSON must still take the slow path.
import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical.js'
import { ACTION_COLUMNS, ACTION_COLUMN_NAMES, encodeValue, isPlainJson, prepareAction, toJson } from './action-codec.js'
import type { ActionRecord } from './types.js'
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

describe('prepareAction', () => {
  // The column-by-column encoder against the loop it replaced: same row values in column order, same record.
  const byLoop = (action: ActionRecord, now: string) => {
    const row: unknown[] = []
    const record: Record<string, unknown> = {}
    for (const col of ACTION_COLUMN_NAMES) {
      let v = (action as unknown as Record<string, unknown>)[col]
      if (col === 'created_at' || col === 'updated_at') v ??= now
      const value = encodeValue(col, v)
      row.push(value)
      record[col] = ACTION_COLUMNS[col] === 'json' && value !== null ? JSON.parse(value as string) : value
    }
    return { row, record }
  }
  const base = { id: 'a1', agent_id: 'agent', tool: 'http', operation: 'get', status: 'allowed' } as ActionRecord
  it('gives the row and record the column loop gives, defaults included', () => {
    const full = {
      ...base,
      params: { url: 'https://example.com/a', n: [1, -0, 2.5] },
      context: { trace: 'é\u{1F600}' },
      decision: 'allow',
      rule_index: 3,
      reason_details: { matched: ['tool'] },
      result: { ok: true },
      submitted_by: 'ci',
      created_at: '2026-01-01T00:00:00.000Z',
    } as ActionRecord
    // Every column a value of its own, so a row in the wrong order cannot match.
    const distinct = Object.fromEntries(
      ACTION_COLUMN_NAMES.map((col) => [col, ACTION_COLUMNS[col] === 'json' ? { col } : ACTION_COLUMNS[col] === 'int' ? 7 : `v-${col}`]),
    ) as unknown as ActionRecord
    distinct.status = 'allowed'
    for (const action of [base, full, distinct]) {
      const got = prepareAction(action, '2026-02-02T00:00:00.000Z')
      const want = byLoop(action, '2026-02-02T00:00:00.000Z')
      expect(got.row).toEqual(want.row)
      expect(got.record).toEqual(want.record)
      expect(Object.keys(got.record)).toEqual(ACTION_COLUMN_NAMES)
    }
    const { record } = prepareAction(base, 'now')
    expect([record.params, record.context, record.result, record.created_at, record.decision]).toEqual([{}, {}, null, 'now', null])
  })
  it('copies JSON columns (never the caller\'s objects) and still refuses bad values', () => {
    const params = { url: 'x' }
    expect(prepareAction({ ...base, params }, 'now').record.params).not.toBe(params)
    expect(() => prepareAction({ ...base, rule_index: 1.5 }, 'now')).toThrow(/rule_index must be an integer/)
    expect(() => prepareAction({ ...base, reason: 7 } as unknown as ActionRecord, 'now')).toThrow(/reason must be a string/)
    expect(() => prepareAction({ ...base, params: { x: Number.NaN } }, 'now')).toThrow(/params is not JSON-serialisable/)
  })
})
