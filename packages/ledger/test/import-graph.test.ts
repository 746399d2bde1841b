// The ledger's module graph: no cycles (type-only imports included: batch-writer.ts and write-protocol.ts once
// imported each other), the pure signing module (`@faramesh/ledger/signing`) reaches no file system, and no
// production file carries the loader hooks that only the tests' TypeScript workers need (test/worker-hooks.ts).
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve(import.meta.dirname, '../src')

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  )

/** Every specifier a file imports or re-exports, `import type` and dynamic `import()` included. */
export function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/gm)].map((m) => (m[1] ?? m[2])!)
}

const local = (file: string, spec: string): string | null => (spec.startsWith('.') ? resolve(dirname(file), spec.replace(/\.js$/, '.ts')) : null)

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>()
  for (const f of sources(SRC)) g.set(f, specifiers(f).flatMap((s) => local(f, s) ?? []))
  return g
}

function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = []
  const state = new Map<string, 'open' | 'done'>()
  const stack: string[] = []
  const visit = (f: string): void => {
    state.set(f, 'open')
    stack.push(f)
    for (const to of g.get(f) ?? []) {
      if (state.get(to) === 'open') found.push([...stack.slice(stack.indexOf(to)), to].map((p) => relative(SRC, p)))
      else if (!state.has(to)) visit(to)
    }
    stack.pop()
    state.set(f, 'done')
  }
  for (const f of g.keys()) if (!state.has(f)) visit(f)
  return found
}

describe('ledger module graph', () => {
  it('reads every import form (so the checks below cannot pass by missing one)', () => {
    const write = join(SRC, 'sqlite', 'write-client.ts')
    expect(specifiers(write)).toEqual(expect.arrayContaining(['node:worker_threads', './batch-writer.js', './write-protocol.js']))
    expect(cycles(new Map([[join(SRC, 'a.ts'), [join(SRC, 'b.ts')]], [join(SRC, 'b.ts'), [join(SRC, 'a.ts')]]]))).toEqual([['a.ts', 'b.ts', 'a.ts']])
  })

  it('has no import cycle, type-only imports included', () => {
    expect(cycles(graph())).toEqual([])
  })

  it('the signing module reaches neither the file system nor the key file', () => {
    const g = graph()
    const reached = new Set<string>()
    const walk = (f: string): void => {
      if (reached.has(f)) return
      reached.add(f)
      for (const to of g.get(f) ?? []) walk(to)
    }
    walk(join(SRC, 'signing.ts'))
    const external = [...reached].flatMap((f) => specifiers(f).filter((s) => !s.startsWith('.')))
    expect(external.filter((s) => /^(node:)?(fs|fs\/promises|path|child_process|worker_threads)$/.test(s))).toEqual([])
    expect([...reached].map((f) => relative(SRC, f)).sort()).toEqual(['canonical.ts', 'errors.ts', 'signing.ts'])
  })

  it('production files carry no test-only worker boot code', () => {
    const boot = sources(SRC).filter((f) => /registerHooks|data:text\/javascript/.test(readFileSync(f, 'utf8')))
    expect(boot.map((f) => relative(SRC, f))).toEqual([])
  })
})
