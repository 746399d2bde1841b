import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalJson, sha256Hex } from './canonical.js'
import { chainEvents, eventBody, eventHash, eventLine } from './hash-chain.js'

const jsonObject = fc.dictionary(fc.string(), fc.jsonValue({ noUnicodeString: false }).map((v) => JSON.parse(JSON.stringify(v)) as unknown))
const event = fc.record({
  seq: fc.integer({ min: 1, max: 2 ** 40 }),
  id: fc.string({ minLength: 1 }),
  action_id: fc.string({ minLength: 1 }),
  event_type: fc.constantFrom('created', 'decision_made', 'approved', 'denied', 'started', 'succeeded', 'failed', 'timeout' as const),
  meta: jsonObject,
  created_at: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
})

describe('hash chain', () => {
  it('hashes the canonical JSON of {seq, id, action_id, event_type, meta, created_at} followed by prev_hash', () => {
    fc.assert(
      fc.property(event, fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')), (e, prev) => {
        const stored = { ...e, meta: canonicalJson(e.meta), prev_hash: prev }
        expect(eventBody(stored)).toBe(canonicalJson(e))
        expect(eventHash(stored)).toBe(sha256Hex(canonicalJson(e) + prev))
      }),
    )
  })

  it('writes export lines that parse back to the same event', () => {
    fc.assert(
      fc.property(event, (e) => {
        const [stored] = chainEvents(null, [{ ...e, meta: canonicalJson(e.meta) }])
        const parsed = JSON.parse(eventLine(stored!)) as Record<string, unknown>
        expect(parsed).toEqual({ ...e, seq: 1, meta: JSON.parse(canonicalJson(e.meta)), prev_hash: '', hash: stored!.hash })
      }),
    )
  })

  it('links each event to the one before, starting after the given head', () => {
    const base = { id: 'e', action_id: 'a', event_type: 'created' as const, meta: '{}', created_at: '2026-01-01T00:00:00.000Z' }
    const events = chainEvents({ seq: 41, hash: 'h41' }, [base, { ...base, id: 'f' }])
    expect(events.map((e) => [e.seq, e.prev_hash])).toEqual([[42, 'h41'], [43, events[0]!.hash]])
    expect(events[1]!.hash).toBe(eventHash(events[1]!))
  })
})
