// The shell executor owns every process of an execution (CONTRACT.md § Execution): what the shell leaves running in
// its group is killed when it exits, times out or is aborted; a process that escaped the group cannot keep the action
// executing; a spawn error or a throwing executor ends the action `failed` with the reason; and an agent cannot
// replace the outcome the executor records. Real /bin/sh, real child processes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Executor } from '../src/executors/types.js'
import { hashToken } from '../src/tokens-file.js'
import { call, eventually, makeApp, type TestApp } from './helpers.js'

let t: TestApp | null = null
const strays: number[] = []
afterEach(async () => {
  await t?.close()
  t = null
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

/** True while `pid` is a running (not zombie) process. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

const submit = (app: TestApp, body: object) => call(app.app, 'POST', '/v1/actions', body)
const get = async (app: TestApp, id: string) => (await call(app.app, 'GET', `/v1/actions/${id}`)).body
const settled = (app: TestApp, id: string, timeoutMs = 15_000) =>
  eventually(async () => {
    const a = await get(app, id)
    return ['succeeded', 'failed'].includes(a.status) ? a : null
  }, timeoutMs)

/** Submit an allowed shell command (the test policy allows commands containing "safe") and /start it. */
async function startShell(app: TestApp, cmd: string, context: object = {}): Promise<string> {
  const a = await submit(app, { agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: `${cmd} # safe` }, context })
  expect(a.body.status).toBe('allowed')
  expect((await call(app.app, 'POST', `/v1/actions/${a.body.id}/start`)).body.status).toBe('executing')
  return a.body.id
}

const pids = (stdout: string): number[] => stdout.split('\n').filter((l) => /^\d+$/.test(l)).map(Number)

describe('shell executor: the execution is all of its processes', () => {
  it('finishes on the shell\'s exit and kills what it left running, even when that holds stdout open', async () => {
    t = await makeApp()
    const began = Date.now()
    const id = await startShell(t, 'sleep 1000 & echo $!')
    const done = await settled(t, id, 10_000)
    expect(Date.now() - began).toBeLessThan(5_000)
    expect(done).toMatchObject({ status: 'succeeded', error: null, result: { exit_code: 0 } })
    const [bg] = pids(done.result.stdout)
    strays.push(bg!)
    await eventually(async () => !running(bg!), 3_000)
  })

  it('a setsid child escapes the group but cannot keep the action executing after the shell exits', async () => {
    t = await makeApp()
    const began = Date.now()
    // The pause lets the child call setsid() before the shell exits (else the group kill still reaches it).
    const id = await startShell(t, 'setsid sleep 30 & echo $!; sleep 0.3')
    const done = await settled(t, id, 10_000)
    expect(Date.now() - began).toBeLessThan(5_000)
    expect(done).toMatchObject({ status: 'succeeded', result: { exit_code: 0 } })
    const [escaped] = pids(done.result.stdout)
    strays.push(escaped!)
    expect(running(escaped!)).toBe(true) // beyond a group kill: the README says which sandbox confines it
  })

  it('a timeout ends the action on time even when a setsid child holds the output pipes', async () => {
    t = await makeApp()
    const began = Date.now()
    const id = await startShell(t, 'setsid sleep 30 & echo $!; sleep 100', { timeout: 1 })
    const done = await settled(t, id, 10_000)
    expect(Date.now() - began).toBeLessThan(6_000)
    expect(done).toMatchObject({ status: 'failed', error: 'timeout', result: { exit_code: null } })
    strays.push(...pids(done.result.stdout))
  })

  it('a timeout kills the whole group, backgrounded children included', async () => {
    t = await makeApp()
    const id = await startShell(t, 'sleep 1000 & echo $!; sleep 1000', { timeout: 1 })
    const done = await settled(t, id, 10_000)
    expect(done).toMatchObject({ status: 'failed', error: 'timeout' })
    const [bg] = pids(done.result.stdout)
    strays.push(bg!)
    await eventually(async () => !running(bg!), 3_000)
  })

  it('shutdown aborts a running command, kills its group and records the action failed', async () => {
    t = await makeApp()
    const id = await startShell(t, 'sleep 1000 & echo $!; sleep 1000')
    await new Promise((r) => setTimeout(r, 500))
    await t.app.close()
    const done = await t.ledger.getAction(id)
    expect(done).toMatchObject({ status: 'failed', error: 'aborted: gateway shutting down' })
    const [bg] = pids((done!.result as { stdout: string }).stdout)
    strays.push(bg!)
    await eventually(async () => !running(bg!), 3_000)
  })

  it('an action handed over while the gateway is closing is recorded aborted, not left executing', async () => {
    t = await makeApp()
    await t.app.close()
    const id = await startShell(t, 'echo late')
    await t.app.runner.idle()
    expect(await t.ledger.getAction(id)).toMatchObject({ status: 'failed', error: 'aborted: gateway shutting down' })
  })
})

describe('shell executor: errors end the action failed, never stuck executing', () => {
  it('a NUL byte in cmd (spawn throws) fails the action with the reason', async () => {
    t = await makeApp()
    const id = await startShell(t, 'echo a\u0000b')
    const done = await settled(t, id, 5_000)
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(/^spawn failed: .*null bytes/)
    const events = (await call(t.app, 'GET', `/v1/actions/${id}/events`)).body
    expect(events.at(-1)).toMatchObject({ event_type: 'failed', meta: { error: done.error, executor: 'shell' } })
  })

  it('an executor that throws, or whose promise rejects, fails the action with the reason', async () => {
    const throws: Executor = {
      id: 'throws',
      tools: ['shell'],
      run() {
        throw new Error('executor blew up')
      },
    }
    const rejects: Executor = { id: 'rejects', tools: ['http'], run: () => Promise.reject(new Error('went away')) }
    t = await makeApp({ executors: [throws, rejects], config: { executors: ['throws', 'rejects'] } })
    const a = await startShell(t, 'echo hi')
    const b = await submit(t, { agent_id: 'a1', tool: 'http', operation: 'get' })
    await call(t.app, 'POST', `/v1/actions/${b.body.id}/start`)
    expect(await settled(t, a, 5_000)).toMatchObject({ status: 'failed', error: 'executor error: executor blew up' })
    expect(await settled(t, b.body.id, 5_000)).toMatchObject({ status: 'failed', error: 'executor error: went away' })
  })

  it('an outcome the store cannot hold still ends the action failed', async () => {
    const bad: Executor = {
      id: 'bad',
      tools: ['shell'],
      run: async () => ({ success: true, error: null, result: { n: Number.NaN, big: 10n } as never, meta: { executor: 'bad', big: 10n } }),
    }
    t = await makeApp({ executors: [bad], config: { executors: ['bad'] } })
    const id = await startShell(t, 'echo hi')
    const done = await settled(t, id, 5_000)
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(/^executor outcome not storable: /)
  })
})

describe('/result on an action the executor owns', () => {
  it('is 409 while the executor runs it, and the real exit code stands', async () => {
    t = await makeApp()
    const id = await startShell(t, 'sleep 1; exit 7')
    const r = await call(t.app, 'POST', `/v1/actions/${id}/result`, { success: true, result: { exit_code: 0 } })
    expect(r.status).toBe(409)
    expect(r.body.detail).toMatch(/being run by the gateway's shell executor/)
    const done = await settled(t, id)
    expect(done).toMatchObject({ status: 'failed', error: 'exit code 7', result: { exit_code: 7 } })
    expect((await call(t.app, 'POST', `/v1/actions/${id}/result`, { success: true })).status).toBe(409)
    const types = (await call(t.app, 'GET', `/v1/actions/${id}/events`)).body.map((e: { event_type: string }) => e.event_type)
    expect(types).toEqual(['created', 'decision_made', 'started', 'failed'])
  })

  it('is 409 for the agent token that submitted it and for an admin; another agent gets 403', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-tokens-'))
    const file = join(dir, 'tokens.json')
    const entry = (name: string, role: string, token: string) => ({ name, role, sha256: hashToken(token) })
    writeFileSync(file, JSON.stringify({ version: 1, tokens: [entry('bot', 'agent', 'tok-bot'), entry('bot2', 'agent', 'tok-bot2'), entry('root', 'admin', 'tok-root')] }))
    t = await makeApp({ auth: { tokensFile: file } })
    const a = await call(t.app, 'POST', '/v1/actions', { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'sleep 1 # safe' } }, 'tok-bot')
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`, undefined, 'tok-bot')).body.status).toBe('executing')
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: false }, 'tok-bot')).status).toBe(409)
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: false }, 'tok-root')).status).toBe(409)
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: false }, 'tok-bot2')).status).toBe(403)
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: 'yes' }, 'tok-bot')).status).toBe(422)
    const done = await eventually(async () => {
      const x = (await call(t!.app, 'GET', `/v1/actions/${a.body.id}`, undefined, 'tok-root')).body
      return x.status !== 'executing' ? x : null
    })
    expect(done).toMatchObject({ status: 'succeeded', result: { exit_code: 0 } })
    rmSync(dir, { recursive: true, force: true })
  })

  it('still works for an action its agent runs itself (no executor for the tool)', async () => {
    t = await makeApp()
    const a = await submit(t, { agent_id: 'a1', tool: 'http', operation: 'get' })
    expect((await call(t.app, 'POST', `/v1/actions/${a.body.id}/start`)).body.status).toBe('executing')
    const r = await call(t.app, 'POST', `/v1/actions/${a.body.id}/result`, { success: false, error: 'HTTP 502' })
    expect(r.body).toMatchObject({ status: 'failed', error: 'HTTP 502' })
  })

  it('still works for a shell action started while executors are disabled', async () => {
    t = await makeApp({ config: { executors: [] } })
    const id = await startShell(t, 'echo hi')
    expect((await call(t.app, 'POST', `/v1/actions/${id}/result`, { success: true })).body.status).toBe('succeeded')
  })
})

describe('shell executor environment (in-process default)', () => {
  it('passes PATH, HOME, LANG and TZ only: none of the gateway\'s own variables', async () => {
    process.env.FARAMESH_TOKEN_PROBE = 'must-not-leak'
    process.env.SOME_OTHER_PROBE = 'must-not-leak-either'
    try {
      t = await makeApp()
      const done = await settled(t, await startShell(t, 'env'))
      expect(done.status).toBe('succeeded')
      expect(done.result.stdout).not.toContain('must-not-leak')
      expect(done.result.stdout).toMatch(/^PATH=/m)
    } finally {
      delete process.env.FARAMESH_TOKEN_PROBE
      delete process.env.SOME_OTHER_PROBE
    }
  })
})
