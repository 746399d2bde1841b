// Runs the example as a user would (its own process, pointed at a real gateway with the example's policy and scoped
// tokens) and checks what it printed, what happened on disk and what the gateway recorded.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runExample, startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'

const here = (p: string) => new URL(`../${p}`, import.meta.url).pathname
const AGENT = 'example-agent-token-0123456789'
const APPROVER = 'example-approver-token-0123456789'
const sha = (t: string) => createHash('sha256').update(t).digest('hex')
let gw: TestGateway
let dir: string

beforeAll(async () => {
  gw = await startTestGateway({
    policy: readFileSync(here('policy.yaml'), 'utf8'),
    files: {
      'tokens.json': JSON.stringify({
        version: 1,
        tokens: [
          { name: 'desktop', role: 'agent', agent_id: 'desktop-assistant', sha256: sha(AGENT) },
          { name: 'alice', role: 'approver', sha256: sha(APPROVER) },
        ],
      }),
    },
    env: { FARAMESH_TOKENS_FILE: 'tokens.json' },
  })
  dir = mkdtempSync(join(tmpdir(), 'faramesh-mcp-example-test-'))
})
afterAll(async () => {
  await gw?.close()
  rmSync(dir, { recursive: true, force: true })
})

it('reads (allowed), refuses the .env write (denied), and writes todo.txt once the approver approves', async () => {
  const { code, stdout, stderr } = await runExample(here('dist/main.js'), { FARAMESH_BASE_URL: gw.url, FARAMESH_TOKEN: AGENT, APPROVER_TOKEN: APPROVER }, {
    args: [dir],
    timeoutMs: 60_000,
  }).done
  expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0)
  expect(stdout).toContain('allowed: read_text_file → "Standup at 10:00. Ship the MCP wrapper."')
  expect(stdout).toMatch(/denied: write_file \.env → isError=true: .*Faramesh denied/)
  expect(stdout).toContain('denied: .env exists: false')
  expect(stdout).toMatch(/held: write_file todo.txt waits for approval of action [0-9a-f-]{36}/)
  expect(stdout).toMatch(/approver: approved action [0-9a-f-]{36} through the API/)
  expect(stdout).toContain('approved: write_file todo.txt → isError=false')
  expect(stdout).toContain('approved: todo.txt contains "- review the wrapper\\n"')
  expect(readFileSync(join(dir, 'todo.txt'), 'utf8')).toBe('- review the wrapper\n')
  // The wrapper's own lines go to stderr, never stdout.
  expect(stderr).toContain("faramesh: wrapping MCP server 'files'")

  const res = await fetch(`${gw.url}/v1/actions?tool=mcp:files`, { headers: { authorization: `Bearer ${APPROVER}` } })
  const actions = (await res.json()) as Array<{ operation: string; status: string; agent_id: string }>
  expect(actions.map((a) => [a.operation, a.status, a.agent_id]).sort()).toEqual([
    ['read_text_file', 'succeeded', 'desktop-assistant'],
    ['write_file', 'denied', 'desktop-assistant'],
    ['write_file', 'succeeded', 'desktop-assistant'],
  ])
})
