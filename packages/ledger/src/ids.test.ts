import { describe, expect, it } from 'vitest'
import { uuidv7 } from './ids.js'

describe('uuidv7', () => {
  it('is a v7 UUID (RFC 9562 variant) carrying the time, sorting by time', () => {
    const id = uuidv7(0x0123456789ab)
    expect(id).toMatch(/^01234567-89ab-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    const ids = [1, 2, 3].map((ms) => uuidv7(1_700_000_000_000 + ms))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(Array.from({ length: 1000 }, () => uuidv7())).size).toBe(1000)
  })
  it('takes each call\'s own time, whatever the call before it was given', () => {
    const [a, b, c] = [0x0123456789ab, 0x0123456789ac, 0x0123456789ab].map((ms) => uuidv7(ms))
    expect([a!.slice(0, 15), b!.slice(0, 15), c!.slice(0, 15)]).toEqual(['01234567-89ab-7', '01234567-89ac-7', '01234567-89ab-7'])
    expect(a).not.toBe(c)
  })
})
