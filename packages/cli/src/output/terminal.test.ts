import { afterEach, describe, expect, it } from 'vitest'
import { forTerminal, paint, paintStatus } from './color.js'
import { printable, terminalSafeJson } from './terminal.js'

afterEach(() => {
  delete process.env.FORCE_COLOR
})

describe('printable', () => {
  it('escapes controls, DEL, C1, separators and bidi marks as JSON would, and nothing else', () => {
    expect(printable('a\nb\r\tc\u001b[8m\u007f\u009b\u2028\u202e\u2066é✓')).toBe('a\\nb\\r\\tc\\u001b[8m\\u007f\\u009b\\u2028\\u202e\\u2066é✓')
    expect(printable('plain text, 中文')).toBe('plain text, 中文')
  })
})

describe('forTerminal', () => {
  it("keeps the colours paint() writes and the output's line breaks and tabs", () => {
    process.env.FORCE_COLOR = '1'
    const ours = `${paint('red', 'denied')}\n${paint('bold', 'x')}\t${paint('dim', 'y')} ${paint('gray', 'z')}`
    expect(forTerminal(ours)).toBe(ours)
  })

  it('escapes every other sequence: conceal, cursor movement, OSC, a lone ESC, CR, C1 CSI', () => {
    expect(forTerminal('a\u001b[8mb\u001b[1Ac\u001b]52;c;eA==\u0007d\u001be\rf\u009b2J')).toBe(
      'a\\u001b[8mb\\u001b[1Ac\\u001b]52;c;eA==\\u0007d\\u001be\\rf\\u009b2J',
    )
  })

  it('shows a status the gateway does not normally send as text', () => {
    process.env.FORCE_COLOR = '1'
    expect(paintStatus('x\u001b[8m')).toBe('x\\u001b[8m')
  })
})

describe('terminalSafeJson', () => {
  it('escapes what JSON.stringify leaves raw, keeping the parsed value', () => {
    const value = { s: 'a\u007f\u0085\u2028\u202e\u001b' }
    const text = terminalSafeJson(JSON.stringify(value))
    expect(text).toBe('{"s":"a\\u007f\\u0085\\u2028\\u202e\\u001b"}')
    expect(JSON.parse(text)).toEqual(value)
  })
})
