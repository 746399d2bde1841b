// The real process: `node dist/main.js` as `pnpm start` runs it.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))
let dir: string
afterEach(() => rmSync(dir, { recursive: true, force: true }))

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], { cwd: dir, env: { PATH: process.env.PATH ?? '', INIT_CWD: dir, ...env } })
  let stderr = ''
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const exited = new Promise<number | string | null>((r) => child.on('exit', (code, signal) => r(code ?? signal)))
  return { child, exited, stderr: () => stderr }
}

/** A `node` older than Faramesh supports on this machine (pnpm runs the tests on its own Node 22), or null. */
function olderNode(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin']
  for (const d of dirs.filter((x) => x !== '' && !x.includes('node_modules'))) {
    const bin = join(d, 'node')
    if (!existsSync(bin)) continue
    try {
      const version = execFileSync(bin, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()
      if (Number(version.split('.')[0]) < 22) return bin
    } catch {
      // not runnable: try the next one
    }
  }
  return null
}
const OLD_NODE = olderNode()

async function until(ok: () => boolean, ms = 20_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() > end) throw new Error('timed out')
  }
}

function setup(policy: string) {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-app-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), policy)
}

describe('apps/server main', () => {
  it('starts on the configured port, serves the API, and exits 0 on SIGTERM', async () => {
    setup('rules:\n  - match: { tool: http, op: get }\n    allow: true\n')
    const port = 20000 + Math.floor(Math.random() * 20000)
    const p = run({ FARAMESH_PORT: String(port) })
    let health: Response | null = null
    for (let i = 0; i < 100 && !health; i++) {
      health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => null)
      if (!health) await new Promise((r) => setTimeout(r, 100))
    }
    expect(await health!.json()).toEqual({ status: 'healthy' })
    const r = await fetch(`http://127.0.0.1:${port}/v1/actions`, {
      method: 'POST',
      body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }),
    })
    expect(((await r.json()) as { status: string }).status).toBe('allowed')
    p.child.kill('SIGTERM')
    expect(await p.exited).toBe(0)
  })

  it('takes a burst of signals (a terminal\'s SIGINT, pnpm\'s relayed copy, its SIGTERM) as one stop: exit 0', async () => {
    setup('rules:\n  - match: { tool: http, op: get }\n    allow: true\n')
    const p = run({ FARAMESH_PORT: '0' })
    await until(() => p.stderr().includes('gateway listening'))
    p.child.kill('SIGINT')
    p.child.kill('SIGINT')
    p.child.kill('SIGTERM')
    expect(await p.exited).toBe(0)
    expect(p.stderr().match(/"shutting down"/g)).toHaveLength(1)
    expect(p.stderr()).toContain('"msg":"faramesh gateway stopped"')
    expect(p.stderr()).not.toContain('second signal')
  })

  it('a second signal well after the first stops at once, exit 1, saying so (the drain was still waiting)', async () => {
    setup('rules:\n  - match: { tool: http, op: get }\n    allow: true\n')
    const p = run({ FARAMESH_PORT: '0' })
    await until(() => p.stderr().includes('gateway listening'))
    const url = /"url":"([^"]+)"/.exec(p.stderr())![1]!
    // A request whose body never finishes keeps the drain waiting (up to the 5 s cut-off).
    const socket = connect(Number(new URL(url).port), '127.0.0.1')
    await new Promise((r) => socket.once('connect', r))
    socket.write('POST /v1/actions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{')
    await new Promise((r) => setTimeout(r, 100))
    p.child.kill('SIGINT')
    await new Promise((r) => setTimeout(r, 1300))
    const second = Date.now()
    p.child.kill('SIGINT')
    expect(await p.exited).toBe(1)
    expect(Date.now() - second).toBeLessThan(1500)
    expect(p.stderr()).toContain('"msg":"second signal: exiting without waiting for the drain"')
    socket.destroy()
  })

  it('a stop while it still starts (waiting for Postgres) exits 0 at once instead of dying of the signal', async () => {
    setup('rules:\n  - match: { tool: http, op: get }\n    allow: true\n')
    const p = run({ FARAMESH_PORT: '0', FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: 'postgres://u:p@127.0.0.1:1/none' })
    await until(() => p.stderr().includes('postgres not reachable yet'))
    const sent = Date.now()
    p.child.kill('SIGINT')
    expect(await p.exited).toBe(0)
    expect(Date.now() - sent).toBeLessThan(2000)
    expect(p.stderr()).toContain('"msg":"shutting down before the gateway finished starting","signal":"SIGINT"')
  })

  it('refuses to start on a corrupted policy, printing file, line and reason, exit code non-zero', async () => {
    setup('rules:\n  - match: { tool: http }\n    allow: true\n    deny: true\n')
    const p = run({ FARAMESH_PORT: '0' })
    expect(await p.exited).not.toBe(0)
    expect(p.stderr()).toMatch(/policies\/default\.yaml:2:\d+/)
    expect(p.stderr()).toMatch(/effect/i)
  })

  // Without the check first, better-sqlite3 ends the process with SIGSEGV and nothing on stderr.
  it.skipIf(OLD_NODE === null)('on an older Node it says which Node it needs and how to run it, and exits 1', async () => {
    setup('rules:\n  - match: { tool: http, op: get }\n    allow: true\n')
    const child = spawn(OLD_NODE!, [MAIN], { cwd: dir, env: { PATH: process.env.PATH ?? '', INIT_CWD: dir, FARAMESH_PORT: '0' } })
    let stderr = ''
    let stdout = ''
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    const [code, signal] = await new Promise<[number | null, string | null]>((r) => child.on('close', (c, s) => r([c, s])))
    expect({ code, signal }).toEqual({ code: 1, signal: null })
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^faramesh: Node\.js \d+\.\d+\.\d+ is too old: Faramesh needs Node\.js 22 or newer\. Run `pnpm start` in the repository [^\n]*\n$/)
  })
})
