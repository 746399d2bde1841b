// `@faramesh/policy-core/canonical` is what the SDK bundles for browsers: canonical-json.ts and what it imports must
// stay free of Node built-ins and of the heavy dependencies (YAML, ajv, RE2) the main entry carries.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, { default: string }> }
const importsOf = (file: string) =>
  [...readFileSync(new URL(file, import.meta.url), 'utf8').matchAll(/^(?:import|export)\b[^\n]*?\bfrom\s+['"]([^'"]+)['"]|^import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? m[2])

describe('the /canonical subpath', () => {
  it('points at canonical-json, which imports only errors.ts, which imports nothing', () => {
    expect(pkg.exports['./canonical']?.default).toBe('./dist/canonical-json.js')
    expect(importsOf('./canonical-json.ts')).toEqual(['./errors.js'])
    expect(importsOf('./errors.ts')).toEqual([])
  })
})
