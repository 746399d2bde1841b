// `pnpm start` as a person runs it: in a terminal, stopped with Ctrl-C. util-linux `script` gives the command a
// pseudo-terminal of its own (as its controlling terminal, run by bash like an interactive shell would), and the
// test types Ctrl-C into it: the terminal's line discipline then sends SIGINT to the whole foreground process
// group, pnpm and node alike, exactly as a keyboard does. Before the fix pnpm printed a red
// `ELIFECYCLE Command failed` and the shell saw 130 (pnpm's `sh -c` died of the SIGINT), or exit 1 (pnpm's relayed
// copy of the SIGINT hit the gateway's "second signal" path).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../..', import.meta.url))
const APP = fileURLToPath(new URL('..', import.meta.url))

let dir: string | undefined
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = undefined
})

interface Terminal {
  /** Everything the terminal showed so far (pty output: CR LF line ends, colours as escape codes). */
  screen(): string
  type(keys: string): void
  waitFor(text: string, ms?: number): Promise<void>
  /** The exit status the shell would see (`script -e` passes it on; 128 + n for a death by signal n). */
  exited: Promise<number | null>
  pid: number
  kill(): void
}

function terminal(command: string, cwd: string): Terminal {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-pnpm-start-'))
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    SHELL: '/bin/bash',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    FARAMESH_PORT: '0',
    FARA_SQLITE_PATH: join(dir, 'actions.db'),
    npm_config_update_notifier: 'false',
  }
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
  let out = ''
  const waiters: Array<() => void> = []
  const onData = (b: Buffer): void => {
    out += b.toString()
    for (const w of waiters.splice(0)) w()
  }
  child.stdout.on('data', onData)
  child.stderr.on('data', onData)
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return {
    screen: () => out,
    type: (keys) => child.stdin.write(keys),
    exited,
    pid: child.pid!,
    kill: () => child.kill('SIGKILL'), // closing the pty hangs up whatever still runs in it
    async waitFor(text, ms = 30_000) {
      const deadline = Date.now() + ms
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`terminal never showed ${JSON.stringify(text)}; it shows:\n${out}`)
        await Promise.race([new Promise<void>((r) => waiters.push(r)), new Promise((r) => setTimeout(r, 200)), exited])
      }
    },
  }
}

/** Start `command`, wait until the gateway listens, press Ctrl-C, and return what the terminal showed after it. */
async function startThenCtrlC(command: string, cwd: string): Promise<{ code: number | null; after: string; screen: string }> {
  const t = terminal(command, cwd)
  try {
    await t.waitFor('"faramesh gateway listening"')
    const mark = t.screen().length
    t.type('\x03')
    const code = await Promise.race([t.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))])
    if (code === 'timeout') throw new Error(`still running 15 s after Ctrl-C; the terminal shows:\n${t.screen()}`)
    return { code, after: t.screen().slice(mark), screen: t.screen() }
  } finally {
    t.kill()
  }
}

function expectCleanStop(r: { code: number | null; after: string; screen: string }): void {
  expect(r.after, r.screen).toContain('"msg":"shutting down","signal":"SIGINT"')
  expect(r.after, r.screen).toContain('"msg":"faramesh gateway stopped"')
  expect(r.after.match(/"shutting down"/g), r.screen).toHaveLength(1)
  expect(r.screen).not.toMatch(/ELIFECYCLE|ERR_PNPM|failed|second signal|"level":"(warn|error)"/i)
  expect(r.screen).not.toContain('\x1b[31m') // nothing in red
  expect(r.code, r.screen).toBe(0)
}

describe('pnpm start in a terminal, stopped with Ctrl-C', () => {
  it('at the repository root (the README command): the shutdown lines, exit status 0, no error text — three times', async () => {
    for (let round = 0; round < 3; round++) expectCleanStop(await startThenCtrlC('pnpm start', ROOT))
  }, 90_000)

  it('from apps/server, the package script itself: the same', async () => {
    expectCleanStop(await startThenCtrlC('pnpm start', APP))
  }, 40_000)

  it('`pnpm faramesh serve` (the CLI\'s gateway, from the root): the same', async () => {
    expectCleanStop(await startThenCtrlC('pnpm faramesh serve --port 0', ROOT))
  }, 40_000)

  it('a supervisor sending SIGTERM to pnpm alone: the gateway drains and pnpm exits 0', async () => {
    const t = terminal('pnpm start', ROOT)
    try {
      await t.waitFor('"faramesh gateway listening"')
      // script → bash, which execs its one command: pnpm is script's only child.
      const children = readFileSync(`/proc/${t.pid}/task/${t.pid}/children`, 'utf8').trim().split(/\s+/)
      expect(children).toHaveLength(1)
      expect(readFileSync(`/proc/${children[0]}/comm`, 'utf8').trim()).toBe('pnpm')
      process.kill(Number(children[0]), 'SIGTERM')
      expect(await t.exited, t.screen()).toBe(0)
      expect(t.screen()).toContain('"msg":"shutting down","signal":"SIGTERM"')
      expect(t.screen()).toContain('"msg":"faramesh gateway stopped"')
      expect(t.screen()).not.toMatch(/ELIFECYCLE|ERR_PNPM|failed/i)
    } finally {
      t.kill()
    }
  }, 40_000)
})
