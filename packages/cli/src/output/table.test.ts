import { afterEach, describe, expect, it } from 'vitest'
import { paint, stripAnsi } from './color.js'
import { stableJson } from './json.js'
import { renderTable, truncate } from './table.js'

describe('renderTable', () => {
  afterEach(() => {
    delete process.env.FORCE_COLOR
  })

  it('draws boxes sized to the widest cell', () => {
    expect(renderTable(['ID', 'Status'], [['2755d4a8', 'allowed'], ['a1', 'pending_approval']])).toBe(
      [
        '┌──────────┬──────────────────┐',
        '│ ID       │ Status           │',
        '├──────────┼──────────────────┤',
        '│ 2755d4a8 │ allowed          │',
        '│ a1       │ pending_approval │',
        '└──────────┴──────────────────┘',
      ].join('\n'),
    )
  })

  it('lines up coloured cells by their visible width', () => {
    process.env.FORCE_COLOR = '1'
    const lines = renderTable(['S'], [[paint('red', 'denied')], ['allowed']]).split('\n')
    expect(lines[3]).toContain('\u001b[31mdenied\u001b[39m')
    expect(stripAnsi(lines[3]!).length).toBe(lines[4]!.length)
  })

  it('cuts long cells with an ellipsis and flattens newlines', () => {
    expect(truncate('abcdefghij', 5)).toBe('abcd…')
    expect(renderTable(['P'], [['a\nb']], { maxWidths: [10] })).toContain('│ a b │')
  })
})

describe('stableJson', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } }, 0)).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1}')
  })
})
