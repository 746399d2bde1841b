// The main entry must stay pure (no file, network or process I/O): the SDK and browsers may load it. Only the
// `/node` subpath may touch the file system. This walks the import graph from src/index.ts.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = new URL('../src/', import.meta.url).pathname
const ALLOWED_BUILTINS = new Set(['node:crypto'])

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!)
}

describe('main entry purity', () => {
  it('reaches no Node built-in other than node:crypto, and never the /node subpath', () => {
    const seen = new Set<string>()
    const builtins = new Set<string>()
    const queue = [join(SRC, 'index.ts')]
    while (queue.length > 0) {
      const file = queue.pop()!
      if (seen.has(file)) continue
      seen.add(file)
      for (const spec of importsOf(file)) {
        if (spec.startsWith('node:')) builtins.add(spec)
        else if (spec.startsWith('.') && spec.endsWith('.js')) queue.push(join(dirname(file), spec.replace(/\.js$/, '.ts')))
      }
    }
    expect(seen.size).toBeGreaterThan(10)
    expect([...seen].some((f) => f.includes('/node/'))).toBe(false)
    expect([...builtins].filter((b) => !ALLOWED_BUILTINS.has(b))).toEqual([])
  })
})
