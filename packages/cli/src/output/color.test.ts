import { afterEach, describe, expect, it, vi } from 'vitest'
import { colorEnabled, forTerminal, paint, stripAnsi, type Style } from './color.js'

// The bytes the CLI has always written for each style (SGR on, SGR off); styleText must keep writing exactly these.
const SGR: Record<Style, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  bold: [1, 22],
  dim: [2, 22],
}

const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR, TERM: process.env.TERM }
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})

describe('paint', () => {
  it('writes the same escape codes as ever around the text', () => {
    process.env.FORCE_COLOR = '1'
    delete process.env.NO_COLOR
    for (const [style, [on, off]] of Object.entries(SGR)) {
      expect(paint(style as Style, 'a b'), style).toBe(`\u001b[${on}ma b\u001b[${off}m`)
      expect(forTerminal(paint(style as Style, 'x')), style).toBe(paint(style as Style, 'x'))
    }
    expect(paint(null, 'a')).toBe('a')
  })

  it('colours only a terminal, never with NO_COLOR or TERM=dumb; FORCE_COLOR (not 0) forces it', () => {
    delete process.env.FORCE_COLOR
    delete process.env.NO_COLOR
    process.env.TERM = 'xterm'
    expect(colorEnabled({ isTTY: true })).toBe(true)
    expect(colorEnabled({ isTTY: false })).toBe(false)
    expect(colorEnabled({})).toBe(false)
    process.env.TERM = 'dumb'
    expect(colorEnabled({ isTTY: true })).toBe(false)
    process.env.FORCE_COLOR = '1'
    expect(colorEnabled({ isTTY: false })).toBe(true)
    process.env.FORCE_COLOR = '0'
    process.env.TERM = 'xterm'
    expect(colorEnabled({ isTTY: false })).toBe(false)
    expect(colorEnabled({ isTTY: true })).toBe(true)
    process.env.FORCE_COLOR = '1'
    process.env.NO_COLOR = '1'
    expect(colorEnabled({ isTTY: true })).toBe(false)
    expect(paint('red', 'a')).toBe('a')
    process.env.NO_COLOR = ''
    expect(paint('red', 'a')).toBe('\u001b[31ma\u001b[39m')
  })

  it('writes no colour at all after --no-color, whatever the environment says', async () => {
    vi.resetModules()
    const fresh = await import('./color.js')
    process.env.FORCE_COLOR = '1'
    fresh.disableColor()
    expect(fresh.colorEnabled({ isTTY: true })).toBe(false)
    expect(fresh.paint('bold', 'a')).toBe('a')
  })
})

describe('forTerminal and stripAnsi', () => {
  it('keeps only the codes paint() writes; underline, blink, conceal and the rest are shown escaped', () => {
    for (const code of [0, 4, 5, 7, 8, 24, 30, 37, 38, 49, 91]) expect(forTerminal(`\u001b[${code}m`), String(code)).toBe(`\\u001b[${code}m`)
  })

  it('measures text without its colours', () => {
    process.env.FORCE_COLOR = '1'
    expect(stripAnsi(`${paint('red', 'denied')} ${paint('bold', 'x')}`)).toBe('denied x')
    expect(stripAnsi('a\u001b[0;1;31mb\u001b[mc')).toBe('abc')
  })
})
