export const median = (xs: number[]) => quantile(xs, 0.5)

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return Number.NaN
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!
}

export function table(title: string, rows: Array<Record<string, string | number>>): void {
  const cols = Object.keys(rows[0] ?? {})
  const cell = (v: string | number) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v)
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]!).length)))
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(width[i]!)).join('  ')
  console.log(`\n${title}\n${line(cols)}\n${rows.map((r) => line(cols.map((c) => cell(r[c]!)))).join('\n')}`)
}
