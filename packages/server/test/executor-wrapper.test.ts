// FARAMESH_EXECUTOR_WRAPPER: the program commands run under. Without one, a command runs as the gateway's user and
// can read what the gateway can, its initial environment in /proc included, and a setsid child outlives the action.
// A PID namespace (unshare here, bwrap in the README) or another uid (setpriv) closes those: each is shown both ways.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createShellExecutor } from '../src/executors/shell.js'
import { loadConfig } from '../src/node/config.js'
import { call, eventually, makeApp, type TestApp } from './helpers.js'
import { forkGateway, type ForkedGateway } from './forked-gateway.js'

let dir: string
let t: TestApp | null = null
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-wrapper-'))
})
afterEach(async () => {
  await t?.close()
  t = null
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function run(wrapper: string[], cmd: string): Promise<{ status: string; error: string | null; result: { exit_code: number | null; stdout: string; stderr: string } }> {
  t = await makeApp({ executors: [createShellExecutor(wrapper.length ? { wrapper } : {})] })
  const a = await call(t.app, 'POST', '/v1/actions', { agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: `${cmd} # safe` } })
  await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`)
  const done = await eventually(async () => {
    const x = (await call(t!.app, 'GET', `/v1/actions/${a.body.id}`)).body
    return x.status === 'succeeded' || x.status === 'failed' ? x : null
  })
  await t.close()
  t = null
  return done
}

// A PID namespace with its own /proc: unprivileged through a user namespace when not root.
const root = process.getuid?.() === 0
const PID_NS = [...(root ? [] : ['--user', '--map-root-user']), '--pid', '--fork', '--kill-child', '--mount-proc']
const pidNsWorks = spawnSync('unshare', [...PID_NS, 'true']).status === 0
const OWN_ENVIRON = `tr '\\0' '\\n' < /proc/${process.pid}/environ`

describe('FARAMESH_EXECUTOR_WRAPPER', () => {
  it.each([
    ['bwrap --unshare-pid', /expected a JSON array of strings/],
    ['"bwrap"', /expected a non-empty JSON array of non-empty strings/],
    ['[]', /expected a non-empty JSON array/],
    ['["bwrap", 3]', /expected a non-empty JSON array/],
    ['["", "x"]', /expected a non-empty JSON array/],
    ['["no-such-sandbox-7f3e"]', /no-such-sandbox-7f3e is not an executable file on PATH/],
    ['["/nonexistent/bwrap"]', /\/nonexistent\/bwrap is not an executable file$/],
  ])('refuses %s at start, naming the variable', (value, why) => {
    let err: unknown
    try {
      loadConfig({ FARAMESH_EXECUTOR_WRAPPER: value }, dir)
    } catch (e) {
      err = e
    }
    expect(err).toMatchObject({ code: 'CONFIG_INVALID', where: 'FARAMESH_EXECUTOR_WRAPPER' })
    expect((err as Error).message).toMatch(/^FARAMESH_EXECUTOR_WRAPPER: /)
    expect((err as Error).message).toMatch(why)
  })

  it('a gateway process runs every command under it (with the minimal environment)', async () => {
    mkdirSync(join(dir, 'policies'), { recursive: true })
    writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: shell, op: "*" }\n    allow: true\n')
    const gw: ForkedGateway = await forkGateway(dir, { FARAMESH_EXECUTOR_WRAPPER: '["env", "WRAPPED_BY=env"]' })
    try {
      const a = (await (await fetch(`${gw.url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'echo "$WRAPPED_BY"' } }) })).json()) as { id: string }
      await fetch(`${gw.url}/v1/actions/${a.id}/start`, { method: 'POST' })
      const done = await eventually(async () => {
        const x = (await (await fetch(`${gw.url}/v1/actions/${a.id}`)).json()) as { status: string }
        return x.status === 'succeeded' || x.status === 'failed' ? x : null
      })
      expect(done).toMatchObject({ status: 'succeeded', result: { stdout: 'env\n' } })
    } finally {
      await gw.stop()
    }
  })

  it('without a wrapper a command reads the gateway\'s initial environment in /proc (what the README warns of)', async () => {
    const done = await run([], OWN_ENVIRON)
    expect(done.result.stdout).toMatch(/^PATH=/m)
  })

  it.skipIf(!pidNsWorks)('a PID namespace hides the gateway\'s /proc entry from the command', async () => {
    const done = await run(['unshare', ...PID_NS], OWN_ENVIRON)
    expect(done.status).toBe('failed')
    expect(done.result.stdout).toBe('')
    expect(done.result.stderr).toMatch(/No such file/)
  })

  it.skipIf(!pidNsWorks)('a setsid child outlives the action without one, and dies with the PID namespace with one', async () => {
    const escape = (marker: string) => `setsid sh -c 'sleep 1.5; echo alive > ${marker}' & sleep 0.3`
    const bare = join(dir, 'bare-marker')
    const confined = join(dir, 'confined-marker')
    expect((await run([], escape(bare))).status).toBe('succeeded')
    expect((await run(['unshare', ...PID_NS], escape(confined))).status).toBe('succeeded')
    await eventually(async () => existsSync(bare), 5_000)
    expect(existsSync(confined)).toBe(false)
  })

  it.skipIf(!root)('another uid (setpriv) cannot read the gateway\'s environment', async () => {
    const done = await run(['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'], `id -u; ${OWN_ENVIRON}`)
    expect(done.result.stdout).toBe('65534\n')
    expect(done.result.stderr).toMatch(/Permission denied/)
  })
})
