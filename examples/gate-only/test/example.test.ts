// Runs the example as its own process against a real gateway and checks the decisions it printed, and that
// nothing was stored.
import { readFileSync } from 'node:fs'
import { runExample, startTestGateway, type TestGateway } from '@faramesh/example-testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'

const here = (p: string) => new URL(`../${p}`, import.meta.url).pathname
let gw: TestGateway
beforeAll(async () => {
  gw = await startTestGateway({ policy: readFileSync(here('policy.yaml'), 'utf8') })
})
afterAll(() => gw.close())

it('prints one decision per request, verifies every hash, and stores nothing', async () => {
  const { code, stdout, stderr } = await runExample(here('dist/main.js'), { FARAMESH_BASE_URL: gw.url }).done
  expect(stderr).toBe('')
  expect(code).toBe(0)
  const rows = stdout.trim().split('\n').slice(0, 5)
  const cols = rows.map((l) => l.slice(46).trim().split(/\s+/).slice(0, 3))
  expect(cols).toEqual([
    ['EXECUTE', 'POLICY_ALLOW', 'risk=low'],
    ['ABSTAIN', 'POLICY_REQUIRE_APPROVAL', 'risk=high'],
    ['EXECUTE', 'POLICY_ALLOW', 'risk=low'],
    ['ABSTAIN', 'POLICY_REQUIRE_APPROVAL', 'risk=low'],
    ['HALT', 'POLICY_DENY', 'risk=low'],
  ])
  expect(rows.every((l) => l.includes('hash=ok'))).toBe(true)
  expect(rows[1]).toContain('(high risk requires approval)')
  expect(stdout).toContain('executeIfAllowed: executed=true result={"refunded":40}')
  expect(stdout).toContain('actions stored: before=0 after=0')
  expect(await (await fetch(`${gw.url}/v1/actions`)).json()).toEqual([])
})
