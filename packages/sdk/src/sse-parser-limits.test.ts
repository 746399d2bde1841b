// A stream is input from the network: a peer that never sends a newline, or never ends a message, must not make
// the client buffer without bound (the dashboard tab, the CLI's `tail`, an agent waiting on a decision).
import { describe, expect, it } from 'vitest'
import { createSseParser } from './sse-parser.js'

const MiB = 'x'.repeat(1024 * 1024)
// The parser's limit is 16 Mi characters per message: 17 chunks of 1 Mi are past it.

describe('createSseParser limits', () => {
  it('refuses a line longer than the limit, however it is chunked', () => {
    const p = createSseParser(() => {})
    expect(() => {
      for (let i = 0; i < 17; i++) p.feed(i === 0 ? `data: ${MiB}` : MiB)
    }).toThrow(/SSE overflow/)
  })

  it('refuses a message whose data lines add up past the limit', () => {
    const p = createSseParser(() => {})
    expect(() => {
      for (let i = 0; i < 17; i++) p.feed(`data: ${MiB}\n`)
    }).toThrow(/SSE overflow/)
  })

  it('still takes a frame as large as the gateway sends (a 1 MiB body, params and result)', () => {
    const got: string[] = []
    const p = createSseParser((m) => got.push(m.data))
    const big = MiB.repeat(3)
    for (let i = 0; i < big.length; i += 65536) p.feed((i === 0 ? 'data: ' : '') + big.slice(i, i + 65536))
    p.feed('\n\n')
    expect(got.map((d) => d.length)).toEqual([big.length])
  })
})

describe('createSseParser limits on empty lines', () => {
  it('counts data lines without a value too', () => {
    const p = createSseParser(() => {})
    const empties = 'data:\n'.repeat(1024 * 1024)
    expect(() => {
      for (let i = 0; i < 17; i++) p.feed(empties)
    }).toThrow(/SSE overflow/)
  })
})
