// Every hint that names a command names one that works for the user: `pnpm faramesh …` when the CLI runs through
// the repository's root script (`pnpm faramesh` from a clone), `faramesh …` when it is the command on PATH.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cli, json, REPO, tempDir } from './helpers.js'

let closed = 0
beforeAll(async () => {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  closed = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
})

/** Each way of starting the CLI: the binary on PATH, and the root script (what pnpm sets when it runs it). */
const WAYS = [
  { name: 'faramesh', env: { npm_lifecycle_event: undefined } },
  { name: 'pnpm faramesh', env: { npm_lifecycle_event: 'faramesh' } },
] as const

describe.each(WAYS)('hints when run as `$name`', ({ name, env }) => {
  const run = (args: string[], cwd?: string, extra: Record<string, string> = {}) => cli(args, { env: { ...env, ...extra }, ...(cwd ? { cwd } : {}) })

  it('an unreachable gateway: through the SDK and through the CLI’s own requests', async () => {
    for (const args of [['list'], ['list', '--risk', 'high'], ['verify-log']]) {
      const r = await run([...args, '--port', String(closed)])
      expect(r.code).toBe(8)
      expect(r.stderr.split('\n')[1]).toBe(`Is the gateway running? Start it with \`${name} serve\`.`)
    }
  })

  it('doctor: no policy, no UI, no gateway', async () => {
    const dir = tempDir()
    const r = await run(['doctor', '--json', '--port', String(closed)], dir, { FARAMESH_UI_DIR: 'no-ui-here' })
    const messages = json<{ checks: Array<{ name: string; message: string }> }>(r).checks.map((c) => c.message)
    expect(messages).toContain(`Policy file not found: policies/default.yaml (run \`${name} init\`)`)
    expect(messages).toContain(`UI assets not found (run \`${name} build-ui\`, or set FARAMESH_UI_DIR)`)
    expect(messages).toContain(`No gateway at http://127.0.0.1:${closed} (start one with \`${name} serve\`)`)
  })

  it('serve with bad configuration, policy test without cases, an unknown command', async () => {
    const dir = tempDir()
    const serve = await run(['serve'], dir, { FARAMESH_PORT: 'x' })
    expect(serve.code).toBe(7)
    expect(serve.stderr).toContain(`\nCheck the environment and .env (\`${name} doctor\` lists every problem).\n`)
    const test = await run(['policy', 'test', 'missing.test.yaml'], dir)
    expect(test.code).toBe(3)
    expect(test.stderr).toContain(`\nCreate one with \`${name} init\`, or pass a path.\n`)
    const typo = await run(['lst'], dir)
    expect(typo.code).toBe(2)
    expect(typo.stderr).toBe(`Error: Unknown command "lst". Did you mean "list"?\nRun \`${name} --help\` for the list of commands.\n`)
  })

  it('token list on an empty file, token create with a name in use', async () => {
    const file = join(tempDir(), 'tokens.json')
    const empty = await run(['token', 'list', '--file', file])
    expect(empty.stdout).toBe(`No tokens in ${file}. Create one with: ${name} token create --role approver --name alice\n`)
    expect((await run(['token', 'create', '--role', 'approver', '--name', 'alice', '--file', file])).code).toBe(0)
    const again = await run(['token', 'create', '--role', 'admin', '--name', 'alice', '--file', file])
    expect(again.code).toBe(6)
    expect(again.stderr).toBe(`Error: An active token named "alice" already exists\nRevoke it first: ${name} token revoke alice\n`)
  })

  it('init: the next steps', async () => {
    const r = await run(['init'], tempDir())
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`  3. Run: ${name} policy test policies/tests/default.test.yaml\n  4. Run: ${name} serve\n`)
  })
})

describe('through pnpm itself', () => {
  it('`pnpm faramesh` at the repository root prints `pnpm faramesh` hints', async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('pnpm', ['--silent', 'faramesh', 'list', '--port', String(closed)], { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] })
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      child.on('close', (code) => resolve({ code, stderr }))
    })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('Is the gateway running? Start it with `pnpm faramesh serve`.')
  })
})
