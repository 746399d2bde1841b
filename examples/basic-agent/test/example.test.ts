// Runs the example as a user would (its own process, FARAMESH_BASE_URL pointing at a real gateway) and checks
// what it printed and what the gateway recorded. A test approver plays the human.
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { approveWhilePending, runExample, startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'

const here = (p: string) => new URL(`../${p}`, import.meta.url).pathname
let gw: TestGateway
beforeAll(async () => {
  gw = await startTestGateway({ policy: readFileSync(here('policy.yaml'), 'utf8') })
})
afterAll(() => gw.close())

it('runs the allowed command, blocks the destructive one, and runs the other after approval', async () => {
  const victim = join(gw.dir, 'victim')
  mkdirSync(victim)
  const ctl = new AbortController()
  const approver = approveWhilePending(gw.url, (a) => String(a.params.cmd).startsWith('ls'), ctl.signal)
  const { code, stdout, stderr } = await runExample(here('dist/main.js'), { FARAMESH_BASE_URL: gw.url, APPROVAL_TIMEOUT_MS: '20000' }, {
    args: ['echo hello from a governed agent', `rm -rf ${victim}`, `ls -d ${victim}`],
  }).done
  ctl.abort()
  expect(await approver).toHaveLength(1)

  expect(stderr).toBe('')
  expect(code).toBe(0)
  expect(stdout).toContain('ran (action')
  expect(stdout).toContain('hello from a governed agent')
  expect(stdout).toContain('blocked: Action denied: Destructive shell command')
  expect(stdout).toContain('waiting for approval of')
  expect(stdout).toMatch(/ran \(action [0-9a-f-]+\): .*victim/)
  expect(existsSync(victim)).toBe(true)

  const actions = (await (await fetch(`${gw.url}/v1/actions?agent_id=my-bot`)).json()) as Array<{ status: string; params: { cmd: string } }>
  expect(actions.map((a) => [a.params.cmd.split(' ')[0], a.status])).toEqual([
    ['ls', 'succeeded'],
    ['rm', 'denied'],
    ['echo', 'succeeded'],
  ])
})

it('stops with a clear error when the gateway is unreachable (fail-closed)', async () => {
  const { code, stderr } = await runExample(here('dist/main.js'), { FARAMESH_BASE_URL: 'http://127.0.0.1:9', FARAMESH_RETRIES: '0' }, { args: ['echo hi'] }).done
  expect(code).not.toBe(0)
  expect(stderr).toContain('FarameshUnavailableError')
})
