// Runs the example as its own process against a real gateway; a test approver approves the `uname` call.
import { readFileSync } from 'node:fs'
import { approveWhilePending, runExample, startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'

const here = (p: string) => new URL(`../${p}`, import.meta.url).pathname
let gw: TestGateway
beforeAll(async () => {
  gw = await startTestGateway({ policy: readFileSync(here('policy.yaml'), 'utf8') })
})
afterAll(() => gw.close())

it('governs every tool call of the agent: allow, deny (as a tool message), approve-then-run', async () => {
  const ctl = new AbortController()
  const approver = approveWhilePending(gw.url, (a) => (a.tool === 'shell' ? String(a.params.command).startsWith('uname') : undefined), ctl.signal)
  const { code, stdout, stderr } = await runExample(here('dist/main.js'), { FARAMESH_BASE_URL: gw.url, APPROVAL_TIMEOUT_MS: '20000' }).done
  ctl.abort()
  expect(await approver).toHaveLength(1)
  expect(stderr).toBe('')
  expect(code).toBe(0)
  expect(stdout).toContain('← 200 {"status":"healthy"}')
  expect(stdout).toContain('← hello from a governed LangChain agent')
  expect(stdout).toContain('← Faramesh denied shell.invoke, so it did not run. Action denied: Destructive shell command')
  expect(stdout).toContain('← Linux')
  expect(stdout).toContain('answer: Done:')

  const actions = (await (await fetch(`${gw.url}/v1/actions?agent_id=langchain-demo`)).json()) as Array<{ tool: string; status: string }>
  expect(actions.map((a) => `${a.tool}:${a.status}`)).toEqual(['shell:succeeded', 'shell:denied', 'shell:succeeded', 'http_get:succeeded'])
})
