// `faramesh doctor` checks what the gateway would load: the server's own config resolver (FARAMESH_POLICY_FILE,
// .env at the repository root, the repo-root fallback for relative paths), --host/--port/--token on top.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, exited, json, REPO, start, startTestGateway, tempDir, waitForOutput, type TestGateway } from './helpers.js'

interface Check {
  name: string
  status: 'ok' | 'warn' | 'fail'
  message: string
  path?: string
}
const POLICY = readFileSync(join(REPO, 'policies', 'default.yaml'), 'utf8')

async function doctor(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; checks: Check[] }> {
  const r = await cli(['doctor', '--json', ...args], { cwd, env })
  return { code: r.code, checks: json<{ checks: Check[] }>(r).checks }
}
const find = (checks: Check[], name: string): Check | undefined => checks.find((c) => c.name === name)

/** What `faramesh serve` loads in `cwd` (the same loadConfig as apps/server): its policy and store paths. */
async function served(cwd: string, env: Record<string, string> = {}): Promise<{ policy: string; store: string }> {
  const child = start(['serve', '--port', '0', '--json', '--log-level', 'silent'], { cwd, env })
  try {
    return JSON.parse((await waitForOutput(child.stdout, /\n/)).trim()) as { policy: string; store: string }
  } finally {
    child.kill('SIGTERM')
    await exited(child)
  }
}

/** A port nothing listens on (bound then released). */
async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

/** A workspace (pnpm-workspace.yaml) with the policy at its root, and a sub-folder without one. */
function workspace(): { root: string; sub: string } {
  const root = tempDir()
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n')
  mkdirSync(join(root, 'policies'))
  writeFileSync(join(root, 'policies', 'default.yaml'), POLICY)
  const sub = join(root, 'apps', 'server')
  mkdirSync(sub, { recursive: true })
  return { root, sub }
}

describe('doctor checks the files the gateway loads', () => {
  it('finds the policy at the repository root when the folder has none, as the gateway does', async () => {
    const { root, sub } = workspace()
    const gateway = await served(sub)
    expect(gateway.policy).toBe(join(root, 'policies', 'default.yaml'))
    const d = await doctor(['--no-gateway'], sub)
    expect(d.code).toBe(0)
    expect(find(d.checks, 'policy')).toMatchObject({ status: 'ok', path: gateway.policy })
    expect(find(d.checks, 'database')).toMatchObject({ status: 'ok', path: gateway.store })
  })

  it('follows FARAMESH_POLICY_FILE (the alias of FARA_POLICY_FILE), from .env too', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'custom'))
    writeFileSync(join(dir, 'custom', 'strict.yaml'), 'rules:\n  - match: { tool: "*" }\n    deny: true\n')
    const env = { FARAMESH_POLICY_FILE: 'custom/strict.yaml' }
    const gateway = await served(dir, env)
    expect(gateway.policy).toBe(join(dir, 'custom', 'strict.yaml'))
    const d = await doctor(['--no-gateway'], dir, env)
    expect(find(d.checks, 'policy')).toEqual({ name: 'policy', status: 'ok', path: gateway.policy, message: 'Policy file exists: custom/strict.yaml (1 rules)' })
    writeFileSync(join(dir, '.env'), 'FARAMESH_POLICY_FILE=custom/strict.yaml\n')
    expect(find((await doctor(['--no-gateway'], dir)).checks, 'policy')).toMatchObject({ status: 'ok', path: gateway.policy })
  })

  it('lists every invalid variable and an open public binding, and still checks the files', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'policies'))
    writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
    writeFileSync(join(dir, '.env'), 'FARAMESH_PORT=eighty\nFARAMESH_LOG_LEVEL=loud\n')
    const d = await doctor(['--no-gateway', '--host', '0.0.0.0'], dir)
    expect(d.code).toBe(13)
    const failed = d.checks.filter((c) => c.status === 'fail').map((c) => c.message)
    expect(failed).toHaveLength(3)
    expect(failed).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Configuration invalid: FARAMESH_PORT: expected an integer/),
        expect.stringMatching(/^Configuration invalid: FARAMESH_LOG_LEVEL: /),
        expect.stringMatching(/^Configuration invalid: Refusing to listen on 0\.0\.0\.0 without authentication/),
      ]),
    )
    expect(find(d.checks, 'policy')).toMatchObject({ status: 'ok', path: join(dir, 'policies', 'default.yaml') })
  })
})

describe('doctor probes the gateway this configuration describes', () => {
  let gw: TestGateway
  beforeAll(async () => {
    gw = await startTestGateway()
  })
  afterAll(async () => {
    await gw?.close()
  })

  it('--port changes the address it reports and probes', async () => {
    const { sub } = workspace()
    const at = await doctor(['--port', String(gw.port)], sub)
    expect(find(at.checks, 'config')?.message).toBe(`Configuration valid (gateway would listen on 127.0.0.1:${gw.port})`)
    expect(find(at.checks, 'gateway')?.message).toMatch(new RegExp(`^Gateway (answers at|at) ${gw.url}`))
    const free = await closedPort()
    const none = await doctor(['--port', String(free)], sub)
    expect(find(none.checks, 'config')?.message).toBe(`Configuration valid (gateway would listen on 127.0.0.1:${free})`)
    expect(find(none.checks, 'gateway')).toMatchObject({ status: 'warn', message: expect.stringContaining(`No gateway at http://127.0.0.1:${free}`) })
  })

  it('reads the port from .env at the repository root, as `pnpm start` there does', async () => {
    const { root, sub } = workspace()
    writeFileSync(join(root, '.env'), `FARAMESH_PORT=${gw.port}\n`)
    const d = await doctor([], sub)
    expect(find(d.checks, 'config')?.message).toBe(`Configuration valid (gateway would listen on 127.0.0.1:${gw.port})`)
    expect(find(d.checks, 'gateway')?.status).not.toBe('fail')
    expect(find(d.checks, 'gateway')?.message).toContain(gw.url)
  })

  it('warns when the gateway that answers runs another policy than the one checked', async () => {
    const { root, sub } = workspace()
    const d = await doctor(['--port', String(gw.port)], sub)
    expect(find(d.checks, 'gateway')).toEqual({
      name: 'gateway',
      status: 'warn',
      message: `Gateway at ${gw.url} runs ${gw.policyPath}, not the policy checked above`,
    })
    expect(find(d.checks, 'policy')?.path).toBe(join(root, 'policies', 'default.yaml'))
    // The same file: all clear.
    const same = await doctor(['--port', String(gw.port)], sub, { FARAMESH_POLICY_FILE: gw.policyPath })
    expect(find(same.checks, 'gateway')).toEqual({ name: 'gateway', status: 'ok', message: `Gateway answers at ${gw.url}` })
  })
})
