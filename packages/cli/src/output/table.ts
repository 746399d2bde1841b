// Box-drawn tables in the original CLI's style. Widths count visible characters, so coloured cells line up.
import { stripAnsi } from './color.js'

export interface TableOptions {
  /** Longest visible width per column; longer cells are cut with an ellipsis. */
  maxWidths?: Array<number | undefined>
}

function visibleWidth(text: string): number {
  let width = 0
  for (const ch of stripAnsi(text)) {
    const cp = ch.codePointAt(0) ?? 0
    // East Asian wide and emoji take two cells; good enough for ids, tools and JSON.
    width += cp >= 0x1100 && (cp <= 0x115f || (cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0x1f300 && cp <= 0x1faff)) ? 2 : 1
  }
  return width
}

export function truncate(text: string, max: number): string {
  if (max <= 0 || visibleWidth(text) <= max) return text
  const plain = stripAnsi(text)
  let out = ''
  for (const ch of plain) {
    if (visibleWidth(out + ch) > max - 1) break
    out += ch
  }
  return `${out}…`
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)))
}

export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, options: TableOptions = {}): string {
  const cells = rows.map((row) =>
    headers.map((_, i) => {
      const raw = (row[i] ?? '').replace(/[\r\n\t]+/g, ' ')
      const max = options.maxWidths?.[i]
      return max === undefined ? raw : truncate(raw, max)
    }),
  )
  const widths = headers.map((h, i) => Math.max(visibleWidth(h), ...cells.map((r) => visibleWidth(r[i] ?? ''))))
  const line = (left: string, mid: string, right: string): string =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right
  const row = (values: readonly string[]): string =>
    '│' + values.map((v, i) => ` ${pad(v, widths[i] ?? 0)} `).join('│') + '│'
  const out = [line('┌', '┬', '┐'), row(headers), line('├', '┼', '┤'), ...cells.map(row), line('└', '┴', '┘')]
  return out.join('\n')
}
