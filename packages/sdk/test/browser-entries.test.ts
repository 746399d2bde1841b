// The browser-safe subpaths (what the dashboard bundles): no Node built-ins, no file reader, nothing of policy-core's
// main entry (YAML, ajv, RE2).
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'

async function bundle(entry: string) {
  const r = await build({ entryPoints: [new URL(entry, import.meta.url).pathname], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' })
  return r.outputFiles[0]!.text
}

describe('browser entries', () => {
  for (const entry of ['../src/index.ts', '../src/operator.ts', '../src/curl.ts'])
    it(`${entry.slice(7)} bundles for the browser without Node built-ins, files or policy-core's main entry`, async () => {
      const text = await bundle(entry)
      expect(text).not.toMatch(/["']node:|readFile|js-yaml|\bajv\b|re2js/)
    })

  it('the node entry is the one that reads files', async () => {
    await expect(bundle('../src/node/index.ts')).rejects.toThrow() // node:fs/promises cannot be bundled for a browser
  })
})
