// Shared by the CLI suites: run the built binary as a subprocess (on this Node, which is 22 under vitest) and
// start real gateways in-process on a free port with a temporary SQLite file.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Action } from '@faramesh/policy-core'
import type { GatewayHandle } from '@faramesh/server/node'

export const PKG = join(dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = join(PKG, 'bin', 'run.js')
export const REPO = join(PKG, '..', '..')

if (!existsSync(join(PKG, 'dist', 'commands', 'list.js'))) {
  throw new Error('Build the CLI first: pnpm --filter @faramesh/cli... run build')
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  cwd?: string
  env?: Record<string, string | undefined>
  timeoutMs?: number
}

/** The test process's environment without anything that would steer the CLI (or colour its output). */
function baseEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(FARAMESH_|FARA_)/.test(k) || ['NO_COLOR', 'FORCE_COLOR', 'NODE_OPTIONS', 'DEBUG'].includes(k)) continue
    env[k] = v
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

export function start(args: string[], opts: CliOptions = {}): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? tmpdir(), env: baseEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] })
}

export function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = start(args, opts)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`faramesh ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, opts.timeoutMs ?? 30_000)
    child.once('error', reject)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/** Parses stdout as JSON, with the whole output in the error when it is not. */
export function json<T = any>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`)
  }
}

/** Resolves with everything read so far once `pattern` shows up on the stream. */
export function waitForOutput(stream: NodeJS.ReadableStream | null, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got:\n${seen}`)), timeoutMs)
    stream?.on('data', (d: Buffer) => {
      seen += d.toString()
      if (pattern.test(seen)) {
        clearTimeout(timer)
        resolve(seen)
      }
    })
  })
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('close', (code) => resolve(code)))
}

/** A `node` older than Faramesh supports on this machine (vitest runs on pnpm's Node 22), or null if there is none. */
export function olderNode(): string | null {
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

export const tempDir = (): string => mkdtempSync(join(tmpdir(), 'faramesh-cli-'))

export interface TestGateway {
  handle: GatewayHandle
  dir: string
  port: number
  url: string
  dbPath: string
  policyPath: string
  /** Environment that points the CLI at this gateway. */
  env: Record<string, string>
  submit(body: Record<string, unknown>, token?: string): Promise<Action>
  close(): Promise<void>
}

/** The three outcomes the API command suites work on, under policies/default.yaml: one of each decision. */
export async function submitOneOfEach(gw: TestGateway): Promise<{ pending: Action; allowed: Action; denied: Action }> {
  const pending = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'ls -la' } })
  const allowed = await gw.submit({ tool: 'http', operation: 'get', params: { url: 'https://example.com' } })
  const denied = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } })
  return { pending, allowed, denied }
}

export async function startTestGateway(opts: { policy?: string; env?: Record<string, string> } = {}): Promise<TestGateway> {
  const dir = tempDir()
  const policyPath = join(dir, 'policy.yaml')
  const dbPath = join(dir, 'actions.db')
  writeFileSync(policyPath, opts.policy ?? readFileSync(join(REPO, 'policies', 'default.yaml'), 'utf8'))
  const { loadConfig, startGateway } = await import('@faramesh/server/node')
  const config = loadConfig(
    {
      FARAMESH_HOST: '127.0.0.1',
      FARAMESH_PORT: '0',
      FARA_POLICY_FILE: policyPath,
      FARA_SQLITE_PATH: dbPath,
      FARAMESH_LOG_LEVEL: 'silent',
      FARAMESH_EXECUTORS: 'none',
      ...opts.env,
    },
    dir,
  )
  const handle = await startGateway(config)
  return {
    handle,
    dir,
    port: handle.port,
    url: handle.url,
    dbPath,
    policyPath,
    env: { FARAMESH_HOST: '127.0.0.1', FARAMESH_PORT: String(handle.port) },
    async submit(body, token) {
      const res = await fetch(`${handle.url}/v1/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ agent_id: 'test-agent', ...body }),
      })
      if (!res.ok) throw new Error(`submit failed: ${res.status} ${await res.text()}`)
      return (await res.json()) as Action
    },
    async close() {
      await handle.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
