// The offline commands load only what they need: `policy test`, `policy simulate`, `replay-decision` and `token …`
// decide through @faramesh/decision and read tokens and configuration through @faramesh/server's light subpaths
// (/tokens, /config), never the gateway (@faramesh/server's main entry, its /node entry, hono). Each command runs
// under a loader hook (record-loads.mjs) that writes down every module the process resolves.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, REPO, startTestGateway, tempDir, type TestGateway } from './helpers.js'

const HOOK = join(import.meta.dirname, 'record-loads.mjs')
const url = (p: string): string => pathToFileURL(join(REPO, p)).href
/** The gateway: @faramesh/server's main entry and its /node entry (which starts the gateway), and its framework. */
const GATEWAY = [url('packages/server/dist/index.js'), url('packages/server/dist/node/index.js'), url('packages/server/dist/app.js')]

async function loadsOf(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; loads: string[] }> {
  const file = join(tempDir(), 'loads.txt')
  writeFileSync(file, '')
  const r = await cli(args, { cwd, env: { NODE_OPTIONS: `--import=${pathToFileURL(HOOK).href}`, RECORD_LOADS_TO: file } })
  return { code: r.code, stdout: r.stdout + r.stderr, loads: [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))] }
}

function expectNoGateway(loads: string[]): void {
  for (const g of GATEWAY) expect(loads).not.toContain(g)
  expect(loads.filter((u) => /\/node_modules\/(\.pnpm\/)?hono[@/]/.test(u))).toEqual([])
}

describe('offline commands never load the gateway', () => {
  let gw: TestGateway
  let actionId: string
  let dir: string

  beforeAll(async () => {
    gw = await startTestGateway()
    actionId = (await gw.submit({ tool: 'http', operation: 'get', params: { url: 'https://example.com' } })).id
    dir = tempDir()
    writeFileSync(join(dir, 'policy.yaml'), 'rules:\n  - match: { tool: http, op: get }\n    allow: true\n')
    writeFileSync(join(dir, 'p.test.yaml'), 'policy: policy.yaml\ncases:\n  - name: get\n    request: { tool: http, operation: get }\n    expect: { decision: allow }\n')
  })

  afterAll(async () => {
    await gw?.close()
  })

  it('records what a command loads (the control: policy test loads its command file and @faramesh/decision)', async () => {
    const r = await loadsOf(['policy', 'test', 'p.test.yaml'], dir)
    expect(r.code, r.stdout).toBe(0)
    expect(r.loads).toContain(url('packages/decision/dist/index.js'))
    expect(r.loads).toContain(url('packages/cli/dist/commands/policy/test.js'))
  })

  it('policy test decides through @faramesh/decision', async () => {
    const r = await loadsOf(['policy', 'test', 'p.test.yaml', '--json'], dir)
    expect(r.code, r.stdout).toBe(0)
    expectNoGateway(r.loads)
  })

  it('policy simulate --db and replay-decision --db', async () => {
    const sim = await loadsOf(['policy', 'simulate', 'policy.yaml', '--db', gw.dbPath, '--json'], dir)
    expect(sim.code, sim.stdout).toBe(0)
    expectNoGateway(sim.loads)
    expect(sim.loads).toContain(url('packages/decision/dist/index.js'))
    const replay = await loadsOf(['replay-decision', actionId, '--db', gw.dbPath, '--policy', gw.policyPath, '--json'], dir)
    expect(replay.code, replay.stdout).toBe(0)
    expectNoGateway(replay.loads)
    expect(replay.loads).toContain(url('packages/decision/dist/index.js'))
  })

  it('token create, list and revoke read and write the file through @faramesh/server/tokens', async () => {
    const file = join(dir, 'tokens.json')
    for (const args of [
      ['token', 'create', '--role', 'approver', '--name', 'alice', '--file', file],
      ['token', 'list', '--file', file],
      ['token', 'revoke', 'alice', '--file', file],
    ]) {
      const r = await loadsOf(args, dir)
      expect(r.code, `${args.join(' ')}: ${r.stdout}`).toBe(0)
      expectNoGateway(r.loads)
      expect(r.loads, args.join(' ')).toContain(url('packages/server/dist/tokens-file.js'))
    }
  })
})
