// A real gateway in its own OS process (test/fixtures/gateway-process.mjs, the built dist), for tests that kill it
// with SIGKILL or need its environment to be the process environment.
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const FIXTURES = {
  gateway: fileURLToPath(new URL('./fixtures/gateway-process.mjs', import.meta.url)),
  /** With a test extension that holds calls through the in-process gate (POST /hold/call). */
  held: fileURLToPath(new URL('./fixtures/held-gateway-process.mjs', import.meta.url)),
}
export type Fixture = keyof typeof FIXTURES

export interface ForkedGateway {
  url: string
  pid: number
  child: ChildProcess
  /** How many executions of dead gateways it failed at start (never settles on a gateway that does not report it). */
  recovered: Promise<number>
  /** How many MCP calls held by dead gateways it released at start (only the `held` fixture reports it). */
  releasedHolds: Promise<number>
  /** stderr so far. */
  stderr(): string
  kill9(): Promise<void>
  stop(): Promise<void>
}

export interface ForkedExit {
  code: number | null
  stderr: string
}

function spawnFixture(cwd: string, env: Record<string, string>, fixture: Fixture = 'gateway'): { child: ChildProcess; stderr: () => string; exited: Promise<ForkedExit> } {
  const child = fork(FIXTURES[fixture], [], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
  let err = ''
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-64 * 1024)
  })
  const exited = new Promise<ForkedExit>((resolve) => child.once('exit', (code) => resolve({ code, stderr: err })))
  return { child, stderr: () => err, exited }
}

export function forkGateway(cwd: string, env: Record<string, string>, fixture: Fixture = 'gateway'): Promise<ForkedGateway> {
  const { child, stderr, exited } = spawnFixture(cwd, env, fixture)
  const recovered = new Promise<number>((resolve) =>
    child.on('message', (m: { recovered?: number }) => {
      if (typeof m.recovered === 'number') resolve(m.recovered)
    }),
  )
  const releasedHolds = new Promise<number>((resolve) =>
    child.on('message', (m: { releasedHolds?: number }) => {
      if (typeof m.releasedHolds === 'number') resolve(m.releasedHolds)
    }),
  )
  return new Promise((resolve, reject) => {
    child.once('message', (m: { url: string }) =>
      resolve({
        url: m.url,
        pid: child.pid!,
        child,
        recovered,
        releasedHolds,
        stderr,
        async kill9() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
          await exited
        },
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return
          child.kill('SIGTERM')
          const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
          await exited
          clearTimeout(t)
        },
      }),
    )
    void exited.then((e) => reject(new Error(`gateway exited with ${e.code}:\n${e.stderr}`)))
  })
}

/** Start a gateway that is expected to refuse to start; resolves with its exit code and stderr. */
export async function forkGatewayExpectingExit(cwd: string, env: Record<string, string>, timeoutMs = 15_000): Promise<ForkedExit> {
  const { child, exited } = spawnFixture(cwd, env)
  child.once('message', () => child.kill('SIGKILL')) // it listened after all: make the test fail, not hang
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  const out = await exited
  clearTimeout(timer)
  return out
}
