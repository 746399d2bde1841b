// Real child processes (this Node, inline scripts): exit codes, signals, group kill, garbage, env, stderr.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { ChildTransport, type ChildOptions } from './child-transport.js'
import { withoutFaramesh } from './child-env.js'
import { openUpstream } from './upstream.js'
import type { UpstreamError } from './upstream-error.js'

const open: ChildTransport[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()))
})

/** An echo server: every line it reads comes back as the result of a response with the same id. */
const ECHO = `require('readline').createInterface({input: process.stdin}).on('line', (l) => {
  const m = JSON.parse(l); process.stdout.write(JSON.stringify({jsonrpc: '2.0', id: m.id, result: {echo: m.params ?? null}}) + '\\n') })`

function child(script: string, extra: Partial<ChildOptions> = {}): ChildTransport {
  const t = new ChildTransport({ name: 'test', command: process.execPath, args: ['-e', script], env: withoutFaramesh(process.env), killGraceMs: 500, ...extra })
  open.push(t)
  return t
}

function ending(t: ChildTransport): Promise<{ error: Error | null; closed: true }> {
  return new Promise((resolve) => {
    let error: Error | null = null
    t.onerror = (e) => (error = e)
    t.onclose = () => resolve({ error, closed: true })
  })
}

function nextMessage(t: ChildTransport): Promise<JSONRPCMessage> {
  return new Promise((resolve) => (t.onmessage = resolve))
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function until(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (cond()) return true
    await new Promise((r) => setTimeout(r, 25))
  }
  return cond()
}

describe('ChildTransport', () => {
  it('relays messages both ways', async () => {
    const t = child(ECHO)
    await t.start()
    const got = nextMessage(t)
    await t.send({ jsonrpc: '2.0', id: 1, method: 'ping', params: { a: 1 } })
    expect(await got).toEqual({ jsonrpc: '2.0', id: 1, result: { echo: { a: 1 } } })
  })

  it('surfaces the exit code of a child that exits', async () => {
    const t = child(`process.stdin.once('data', () => process.exit(3))`)
    await t.start()
    const end = ending(t)
    await t.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    const { error } = await end
    expect(error).toMatchObject({ reason: 'upstream_exited', code: 'UPSTREAM_EXITED', exit: { code: 3, signal: null } })
    expect(error?.message).toBe("upstream server 'test' exited with code 3")
  })

  it('surfaces the signal of a child that is killed', async () => {
    const t = child(`process.stdin.once('data', () => process.kill(process.pid, 'SIGKILL'))`)
    await t.start()
    const end = ending(t)
    await t.send({ jsonrpc: '2.0', method: 'x' })
    const { error } = await end
    expect(error?.message).toBe("upstream server 'test' was killed by SIGKILL")
    expect((error as UpstreamError).exit).toEqual({ code: null, signal: 'SIGKILL' })
  })

  it('ends on garbage output with the line in the message, and kills the child', async () => {
    const t = child(`process.stdout.write('hello from a server that logs to stdout\\n'); setInterval(() => {}, 1000)`)
    const end = ending(t)
    await t.start()
    const { error } = await end
    expect(error).toMatchObject({ reason: 'upstream_bad_output' })
    expect(error?.message).toBe("upstream server 'test' wrote non-JSON output: hello from a server that logs to stdout")
    await expect(Promise.race([t.exited, new Promise((r) => setTimeout(() => r('hang'), 3000))])).resolves.not.toBe('hang')
  })

  it('ends on JSON that is not JSON-RPC', async () => {
    const t = child(`process.stdout.write('{"hello":1}\\n'); setInterval(() => {}, 1000)`)
    const end = ending(t)
    await t.start()
    expect((await end).error?.message).toBe(`upstream server 'test' wrote JSON that is not a JSON-RPC message: {"hello":1}`)
  })

  it('close() kills the whole process group, a backgrounded grandchild included, even when SIGTERM is ignored', async () => {
    const lines: string[] = []
    const t = child(
      `const g = require('child_process').spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], {stdio: 'ignore'});
       process.on('SIGTERM', () => {}); process.stdin.on('end', () => {}); console.error('grandchild ' + g.pid); setInterval(() => {}, 1000)`,
      { stderr: (l) => lines.push(l) },
    )
    await t.start()
    expect(await until(() => lines.some((l) => l.startsWith('[test] grandchild ')))).toBe(true)
    const grandchild = Number(lines.find((l) => l.startsWith('[test] grandchild '))!.split(' ')[2])
    const pid = t.pid!
    expect(alive(grandchild)).toBe(true)
    const t0 = Date.now()
    await t.close()
    expect(Date.now() - t0).toBeLessThan(3000)
    expect(await until(() => !alive(pid))).toBe(true)
    expect(await until(() => !alive(grandchild))).toBe(true)
    expect(await t.exited).toEqual({ code: null, signal: 'SIGKILL' })
  })

  // Its own process group keeps every signal meant for its owner away from the server: an owner that dies without
  // close() (kill -9, a crash, a test runner tearing its worker down) once left such a server and its helper running.
  for (const how of ['SIGKILL', 'process.exit() without close()'] as const) {
    it(`an owner that ends by ${how} takes a server ignoring SIGTERM and end of stdin with it, its helper included`, async () => {
      const owner = fork(fileURLToPath(new URL('../../test/fixtures/child-owner.mjs', import.meta.url)), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
      const exited = new Promise((r) => owner.once('exit', r))
      try {
        const pids = await new Promise<{ server: number; helper: number }>((resolve, reject) => {
          owner.once('message', (m) => resolve(m as { server: number; helper: number }))
          owner.once('exit', (code) => reject(new Error(`owner exited with ${code}`)))
        })
        expect(alive(pids.server) && alive(pids.helper)).toBe(true)
        if (how === 'SIGKILL') owner.kill('SIGKILL')
        else owner.send('exit')
        await exited
        expect(await until(() => !alive(pids.server))).toBe(true)
        expect(await until(() => !alive(pids.helper))).toBe(true)
      } finally {
        owner.kill('SIGKILL')
      }
    })
  }

  it('a server that exits on its own takes the helpers it left in its group with it', async () => {
    const lines: string[] = []
    const t = child(
      `const g = require('child_process').spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000)'], {stdio: 'ignore'});
       console.error('helper ' + g.pid); setTimeout(() => process.exit(4), 300)`,
      { stderr: (l) => lines.push(l) },
    )
    const end = ending(t)
    await t.start()
    expect((await end).error?.message).toBe("upstream server 'test' exited with code 4")
    const helper = Number(lines.find((l) => l.startsWith('[test] helper '))!.split(' ')[2])
    expect(await until(() => !alive(helper))).toBe(true)
  })

  it('close() ends stdin first: a well-behaved server exits on its own, with no error', async () => {
    const t = child(`process.stdin.on('data', () => {}); process.stdin.on('end', () => process.exit(0))`)
    await t.start()
    const end = ending(t)
    await t.close()
    expect(await t.exited).toEqual({ code: 0, signal: null })
    expect((await end).error).toBeNull()
  })

  it('passes stderr on line by line, prefixed with the name and redacted', async () => {
    const lines: string[] = []
    const t = child(`process.stderr.write('one s3cr3t-value\\ntwo'); process.stderr.write(' parts\\n')`, {
      stderr: (l) => lines.push(l),
      redact: (s) => s.replaceAll('s3cr3t-value', '[redacted]'),
    })
    const end = ending(t)
    await t.start()
    await end
    expect(lines).toEqual(['[test] one [redacted]', '[test] two parts'])
  })

  it('a command that cannot start rejects start() with a clear message', async () => {
    const t = new ChildTransport({ name: 'nope', command: '/nonexistent/server', args: [], env: {} })
    const end = ending(t)
    await expect(t.start()).rejects.toThrow("upstream server 'nope' could not start '/nonexistent/server': ENOENT")
    expect((await end).error?.message).toContain('ENOENT')
  })

  it('runs no shell: metacharacters reach the child as plain arguments', async () => {
    const t = child(`process.stdout.write(JSON.stringify({jsonrpc: '2.0', method: 'argv', params: {argv: process.argv.slice(1)}}) + '\\n')`)
    const got = nextMessage(t)
    // ChildOptions.args follow '-e <script>'
    ;(t as unknown as { o: ChildOptions }).o.args.push('$(touch /tmp/x); echo `id`', '*')
    await t.start()
    expect(await got).toMatchObject({ params: { argv: ['$(touch /tmp/x); echo `id`', '*'] } })
  })
})

describe('openUpstream (command)', () => {
  it("gives the child the minimal base plus the configured env, never FARAMESH_* or FARA_*, nor the parent's other variables", async () => {
    const t = openUpstream(
      {
        name: 'envcheck',
        kind: 'command',
        command: process.execPath,
        args: ['-e', `process.stdout.write(JSON.stringify({jsonrpc: '2.0', method: 'env', params: process.env}) + '\\n')`],
        env: { CONFIGURED: 'yes', FARAMESH_TOKEN: 'leak', FARA_AUTH_TOKEN: 'leak' },
        hideDeniedTools: true,
        clientRoots: false,
        governResources: false,
      },
      { baseEnv: { PATH: '/usr/bin', HOME: '/home/x', FARAMESH_TOKEN: 'leak', OTHER: 'parent-only' } },
    ) as ChildTransport
    open.push(t)
    const got = nextMessage(t)
    await t.start()
    const env = ((await got) as { params: Record<string, string> }).params
    expect(Object.keys(env).filter((k) => /^FARA/i.test(k))).toEqual([])
    expect(env).toMatchObject({ CONFIGURED: 'yes', PATH: '/usr/bin', HOME: '/home/x' })
    expect(env.OTHER).toBeUndefined()
  })

  it("the wrapper's env (its own minus FARAMESH_* and FARA_*) reaches the child whole", async () => {
    const parent = { ...process.env, FARAMESH_TOKEN: 'leak', FARA_API_BASE: 'leak', faramesh_lower: 'leak', GITHUB_TOKEN: 'for-the-server' }
    const t = child(`process.stdout.write(JSON.stringify({jsonrpc: '2.0', method: 'env', params: process.env}) + '\\n')`, { env: withoutFaramesh(parent) })
    const got = nextMessage(t)
    await t.start()
    const env = ((await got) as { params: Record<string, string> }).params
    expect(Object.keys(env).filter((k) => /^FARA/i.test(k))).toEqual([])
    expect(env.GITHUB_TOKEN).toBe('for-the-server')
  })
})
