import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// The CLI runs policy tests through this package precisely because it loads nothing but the policy and risk code:
// no gateway, no Node built-ins (so it also runs in a browser or a worker).
const ALLOWED = new Set(['@faramesh/policy-core', '@faramesh/risk'])

describe('@faramesh/decision', () => {
  it('imports only @faramesh/policy-core, @faramesh/risk and its own files', () => {
    const dir = new URL('./', import.meta.url)
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    expect(sources).toContain('decide.ts')
    const foreign: string[] = []
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), 'utf8')
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = (m[1] ?? m[2])!
        if (!spec.startsWith('./') && !ALLOWED.has(spec)) foreign.push(`${file}: ${spec}`)
      }
    }
    expect(foreign).toEqual([])
  })
})
