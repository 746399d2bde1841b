// docs/architecture.md § Packages names what each package may import; this test holds the sources to it, so a
// convenient import that pulls the gateway into the CLI, or node: code into the browser, fails here instead of
// costing cold start or a bundle later. It parses every production source with the TypeScript compiler (strings and
// comments that merely mention a package do not count) and checks each @faramesh/* specifier a file loads at run
// time; `import type` is erased at build time and so allowed from any package below.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = join(import.meta.dirname, '..', '..', '..')

/** Run-time imports each package's src may make (exact specifiers; `pkg/*` allows every subpath). */
const ALLOWED: Record<string, string[]> = {
  'packages/policy-core': [],
  'packages/risk': ['@faramesh/policy-core'],
  'packages/decision': ['@faramesh/policy-core', '@faramesh/risk'],
  'packages/ledger': ['@faramesh/policy-core'],
  'packages/server': ['@faramesh/policy-core/*', '@faramesh/decision', '@faramesh/ledger/*'],
  // The SDK runs in browsers: at run time only policy-core's pure canonical JSON (its types are erased).
  'packages/sdk': ['@faramesh/policy-core/canonical', '@faramesh/sdk'],
  'packages/langchain-adapter': ['@faramesh/sdk'],
  // MCP: the wrapper talks to a gateway through the SDK. The server never imports it: apps/server and `faramesh
  // serve` compose it into the gateway (StartOptions.extensions), only when FARAMESH_MCP_SERVERS is set.
  'packages/mcp': ['@faramesh/sdk', '@faramesh/sdk/*', '@faramesh/policy-core/*'],
  'packages/cli': [
    '@faramesh/sdk/*',
    '@faramesh/policy-core/*',
    '@faramesh/risk',
    '@faramesh/decision',
    '@faramesh/ledger/*',
    '@faramesh/server/config',
    '@faramesh/server/tokens',
    '@faramesh/server/node-version',
    '@faramesh/mcp',
    '@faramesh/mcp/*',
  ],
  'apps/server': ['@faramesh/server/*', '@faramesh/mcp', '@faramesh/mcp/*'],
  'apps/dashboard': ['@faramesh/sdk', '@faramesh/sdk/operator', '@faramesh/sdk/curl', '@faramesh/policy-core/wire'],
}

/** The one file allowed to load the whole gateway from the CLI: `faramesh serve` starts it. */
const GATEWAY_LOADERS = new Set(['packages/cli/src/commands/serve.ts'])

const isTest = (p: string) => /\.test\.ts$|\/test\/|\/testing\/|\/e2e\//.test(p)

function sources(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sources(p))
    else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.d.ts') && !isTest(p)) out.push(p)
  }
  return out
}

/** @faramesh/* specifiers a file loads at run time: value imports, re-exports, dynamic import(). */
export function runtimeImports(file: string, text: string): string[] {
  // A .svelte file's code lives in its <script> blocks.
  const code = file.endsWith('.svelte') ? [...text.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n') : text
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const c = node.importClause
      const typeOnly =
        c !== undefined &&
        (c.isTypeOnly ||
          (c.name === undefined &&
            c.namedBindings !== undefined &&
            ts.isNamedImports(c.namedBindings) &&
            c.namedBindings.elements.length > 0 &&
            c.namedBindings.elements.every((e) => e.isTypeOnly)))
      if (!typeOnly) found.push(node.moduleSpecifier.text)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found.filter((s) => s.startsWith('@faramesh/'))
}

const allows = (allowed: string[], spec: string) =>
  allowed.some((a) => a === spec || (a.endsWith('/*') && (spec === a.slice(0, -2) || spec.startsWith(a.slice(0, -1)))))

describe('package layering (docs/architecture.md § Packages)', () => {
  for (const [pkg, allowed] of Object.entries(ALLOWED)) {
    it(`${pkg} imports only what it may`, () => {
      const bad: string[] = []
      for (const file of sources(join(ROOT, pkg, 'src'))) {
        const rel = relative(ROOT, file)
        const extra = GATEWAY_LOADERS.has(rel) ? ['@faramesh/server', '@faramesh/server/node'] : []
        for (const spec of runtimeImports(file, readFileSync(file, 'utf8')))
          if (!allows([...allowed, ...extra], spec)) bad.push(`${rel}: ${spec}`)
      }
      expect(bad).toEqual([])
    })
  }

  it('sees value imports, re-exports and dynamic imports, and not types, strings or comments', () => {
    const text = [
      "import { a } from '@faramesh/server'",
      "import type { B } from '@faramesh/ledger'",
      "import { type C } from '@faramesh/risk'",
      "export { d } from '@faramesh/decision'",
      "export type { E } from '@faramesh/sdk/operator'",
      "const f = await import('@faramesh/server/node')",
      "const g = `import { x } from '@faramesh/sdk'` // from '@faramesh/ledger'",
    ].join('\n')
    expect(runtimeImports('x.ts', text)).toEqual(['@faramesh/server', '@faramesh/decision', '@faramesh/server/node'])
    expect(runtimeImports('x.svelte', `<script lang="ts">\n${text}\n</script>\n<p>from '@faramesh/cli'</p>`)).toEqual([
      '@faramesh/server',
      '@faramesh/decision',
      '@faramesh/server/node',
    ])
  })
})
