import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LineReader, parseLine, serializeMessage, type Frame } from './line-framing.js'

// Keys the SDK's schema drops (it builds new objects) and the strict reader refuses: not part of "the same messages".
const key = fc.string().filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k))
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof({ maxDepth: 3 }, fc.constant(null), fc.boolean(), fc.integer(), fc.string(), fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(key, tie('value'), { maxKeys: 3 })),
})).value as fc.Arbitrary<unknown>
const message = fc.oneof(
  fc.record({ jsonrpc: fc.constant('2.0' as const), id: fc.oneof(fc.integer(), fc.string()), method: fc.string({ minLength: 1 }), params: fc.dictionary(key, jsonValue) }),
  fc.record({ jsonrpc: fc.constant('2.0' as const), method: fc.string({ minLength: 1 }) }),
  fc.record({ jsonrpc: fc.constant('2.0' as const), id: fc.integer(), result: fc.dictionary(key, jsonValue) }),
)

/** Cuts `buf` at the given fractions into consecutive chunks. */
function chunk(buf: Buffer, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * buf.length)))].sort((a, b) => a - b)
  const out: Buffer[] = []
  let prev = 0
  for (const c of [...at, buf.length]) {
    out.push(buf.subarray(prev, c))
    prev = c
  }
  return out
}

function readAll(chunks: Buffer[], max?: number): Frame[] {
  const r = new LineReader(max)
  return [...chunks.flatMap((c) => r.push(c)), ...r.end()]
}

describe('LineReader', () => {
  it('any chunking of a stream yields the same messages in the same order', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 8 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }), (msgs, cuts) => {
        const bytes = Buffer.from(msgs.map((m) => serializeMessage(m as never)).join(''))
        const whole = readAll([bytes])
        const pieces = readAll(chunk(bytes, cuts))
        expect(pieces).toEqual(whole)
        expect(whole.map((f) => (f.kind === 'message' ? f.message : f))).toEqual(msgs.map((m) => expect.objectContaining(m)))
      }),
      { numRuns: 300 },
    )
  })

  it('skips an oversized line whatever the chunking, and parses the next one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65, max: 400 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (bigLen, cuts) => {
        const before = serializeMessage({ jsonrpc: '2.0', id: 1, method: 'a' })
        const big = `{"jsonrpc":"2.0","id":2,"method":"${'x'.repeat(bigLen)}"}\n`
        const after = serializeMessage({ jsonrpc: '2.0', id: 3, method: 'b' })
        const frames = readAll(chunk(Buffer.from(before + big + after), cuts), 64)
        expect(frames.map((f) => f.kind)).toEqual(['message', 'oversized', 'message'])
        expect(frames[1]).toEqual({ kind: 'oversized', bytes: big.length - 1 })
        expect(frames[2]).toMatchObject({ kind: 'message', message: { id: 3, method: 'b' } })
      }),
      { numRuns: 500 },
    )
  })

  it('drops the whole oversized line, however many chunks it comes in, and reports it once', () => {
    const big = Buffer.from(`{"jsonrpc":"2.0","id":2,"method":"${'x'.repeat(300)}"}\n{"jsonrpc":"2.0","id":3,"method":"b"}\n`)
    for (const cuts of [[70], [70, 140], [10, 100, 200, 290], [300]]) {
      const frames = readAll(chunk(big, cuts.map((c) => c / big.length)), 64)
      expect(frames.map((f) => f.kind)).toEqual(['oversized', 'message'])
    }
  })

  it('keeps a line of exactly the cap and a last line without a newline; ignores blank lines and CRLF', () => {
    const line = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'ping' })
    const frames = readAll([Buffer.from(`\n\r\n${line}\r\n${line}`)], line.length + 1)
    expect(frames.map((f) => f.kind)).toEqual(['message', 'message'])
  })

  it('keeps a multi-byte character split across chunks', () => {
    const bytes = Buffer.from(serializeMessage({ jsonrpc: '2.0', id: 1, method: 'é✓😀' }))
    for (let i = 1; i < bytes.length; i++) {
      const [f] = readAll([bytes.subarray(0, i), bytes.subarray(i)])
      expect(f).toMatchObject({ kind: 'message', message: { method: 'é✓😀' } })
    }
  })
})

describe('parseLine', () => {
  it('tells a parse error from JSON that is not JSON-RPC', () => {
    expect(parseLine('{not json')).toMatchObject({ kind: 'parse_error' })
    expect(parseLine('{"hello": 1}')).toMatchObject({ kind: 'invalid', id: null })
    expect(parseLine('{"jsonrpc":"1.0","id":5,"method":"x"}')).toMatchObject({ kind: 'invalid', id: 5 })
    expect(parseLine('[1,2]')).toMatchObject({ kind: 'invalid', id: null })
    expect(parseLine('{"jsonrpc":"2.0","id":"a","method":"tools/list"}')).toMatchObject({ kind: 'message' })
  })

  it('strict: duplicate keys and prototype keys are parse errors, never silently dropped or overwritten', () => {
    const proto = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"w","__proto__":{"arguments":{"path":"/etc/x"}}}}'
    const dup = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","name":"write"}}'
    expect(parseLine(proto, true)).toMatchObject({ kind: 'parse_error' })
    expect(parseLine(dup, true)).toMatchObject({ kind: 'parse_error' })
    // the lenient reader (a server's output) keeps JSON.parse's behaviour: the SDK schema drops the prototype key
    expect(parseLine(proto)).toMatchObject({ kind: 'message', message: { params: { name: 'w' } } })
    expect(parseLine('{"jsonrpc":"2.0","id":1,"method":"ping"}', true)).toMatchObject({ kind: 'message' })
    expect(parseLine('  {"jsonrpc":"2.0","id":1,"method":"ping"}  ', true)).toMatchObject({ kind: 'message' })
  })
})
