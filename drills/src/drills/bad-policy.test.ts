// A corrupted policy file at startup: the gateway refuses to start, naming the file, the line and the reason,
// and never listens.
import { writeFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { startGatewayProcess } from '../harness/gateway-process.js'
import { makeWorkspace, sqliteEnv } from '../harness/workspace.js'

const ws = makeWorkspace()
afterAll(() => ws.remove())

const cases: Array<{ name: string; yaml: string; line: number; reason: RegExp }> = [
  {
    name: 'broken YAML indentation',
    yaml: 'rules:\n  - match: { tool: drill }\n    allow: true\n  - match: { tool: x }\n    allow: true\n     deny: true\n',
    line: 6,
    reason: /indentation|mapping|yaml/i,
  },
  {
    name: 'an unknown effect key',
    yaml: 'rules:\n  - match: { tool: drill }\n    allow: true\n  - match: { tool: x }\n    allow: true\n    explode: true\n',
    line: 6,
    reason: /explode/,
  },
  {
    name: 'an invalid regular expression',
    yaml: 'rules:\n  - match: { tool: drill }\n    allow: true\n  - match:\n      pattern: "(unclosed"\n    deny: true\n',
    line: 5,
    reason: /pattern|regular expression|regex/i,
  },
  {
    name: 'a file that is not a policy at all',
    yaml: '\u0000\u0001binary garbage: [\n',
    line: 1,
    reason: /./,
  },
]

describe('a corrupted policy at startup', () => {
  for (const c of cases) {
    it(`refuses to start on ${c.name}, printing file, line ${c.line} and the reason`, async () => {
      writeFileSync(ws.policyFile, c.yaml)
      const gw = await startGatewayProcess({ env: sqliteEnv(ws), cwd: ws.dir, waitFor: 'none' })
      const exit = await Promise.race([
        gw.exited,
        new Promise<'still running'>((r) => setTimeout(() => r('still running'), 15_000)),
      ])
      if (exit === 'still running') await gw.kill9()
      expect(exit).not.toBe('still running')
      expect(exit).toMatchObject({ signal: null })
      expect((exit as { code: number }).code).not.toBe(0)
      const out = gw.output()
      expect(out).toContain(ws.policyFile)
      expect(out).toMatch(new RegExp(`(line ${c.line}\\b|:${c.line}(:\\d+)?\\b)`))
      expect(out).toMatch(c.reason)
      await expect(fetch(`${gw.url}/health`)).rejects.toThrow()
    })
  }
})
