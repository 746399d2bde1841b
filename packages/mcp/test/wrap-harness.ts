// Shared by the wrapper's end-to-end tests, the example test and the benchmark: a real gateway (in this process, on
// SQLite or on a throw-away Postgres) with scoped tokens, the real MCP servers' bins resolved from their
// package.json (never npx: no network), and `faramesh mcp wrap` run from the built CLI.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Action } from '@faramesh/policy-core'

const require = createRequire(import.meta.url)
export const PKG = join(dirname(fileURLToPath(import.meta.url)), '..')
export const REPO = join(PKG, '..', '..')
/** The faramesh binary of this checkout (built by `pnpm build`; the root `pnpm test` builds before testing). */
export const FARAMESH_BIN = join(REPO, 'packages', 'cli', 'bin', 'run.js')

export function requireBuiltCli(): void {
  if (!existsSync(join(REPO, 'packages', 'cli', 'dist', 'commands', 'mcp', 'wrap.js'))) {
    throw new Error('Build the CLI first: pnpm --filter @faramesh/cli... run build')
  }
}

/** The absolute path of a package's bin, from its package.json. */
export function resolveBin(pkg: string, bin?: string): string {
  const manifestPath = require.resolve(`${pkg}/package.json`)
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: string | Record<string, string> }
  const rel = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.[bin ?? Object.keys(manifest.bin ?? {})[0]!]
  if (!rel) throw new Error(`${pkg} has no bin`)
  return join(dirname(manifestPath), rel)
}

export const filesystemBin = (): string => resolveBin('@modelcontextprotocol/server-filesystem')
export const everythingBin = (): string => resolveBin('@modelcontextprotocol/server-everything')

export const TOKENS = { a1: 'tok-agent-a1-0123456789', a2: 'tok-agent-a2-0123456789', approver: 'tok-approver-0123456789', auditor: 'tok-auditor-0123456789', admin: 'tok-admin-0123456789' }

const hash = (t: string): string => createHash('sha256').update(t, 'utf8').digest('hex')

export const WRAP_POLICY = `
rules:
  - match: { tool: "mcp:files", op: write_file, pattern: "forbidden" }
    deny: true
    description: "No forbidden files"
  - match: { tool: "mcp:files", op: write_file }
    require_approval: true
    description: "Writes need a person"
  - match: { tool: "mcp:files", op: "*" }
    allow: true
  - match: { tool: "mcp:everything", op: "*" }
    allow: true
  - match: { tool: "*", op: "*" }
    deny: true
`

export interface TestGateway {
  url: string
  dir: string
  /** Stop the gateway (for the "gateway down" case); close() is still safe afterwards. */
  stop(): Promise<void>
  close(): Promise<void>
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>
  action(id: string): Promise<Action>
  actions(query?: string): Promise<Action[]>
  approve(id: string, reason?: string): Promise<Action>
}

export interface GatewayOptions {
  policy?: string
  /** Postgres DSN: the gateway's ledger is on Postgres instead of a SQLite file. */
  postgresDsn?: string
  env?: Record<string, string>
}

export async function startTestGateway(o: GatewayOptions = {}): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-mcp-gw-'))
  const policyPath = join(dir, 'policy.yaml')
  const tokensPath = join(dir, 'tokens.json')
  writeFileSync(policyPath, o.policy ?? WRAP_POLICY)
  writeFileSync(
    tokensPath,
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'bot1', role: 'agent', sha256: hash(TOKENS.a1), agent_id: 'a1' },
        { name: 'bot2', role: 'agent', sha256: hash(TOKENS.a2), agent_id: 'a2' },
        { name: 'alice', role: 'approver', sha256: hash(TOKENS.approver) },
        { name: 'audrey', role: 'auditor', sha256: hash(TOKENS.auditor) },
        { name: 'root', role: 'admin', sha256: hash(TOKENS.admin) },
      ],
    }),
  )
  const { loadConfig, startGateway } = await import('@faramesh/server/node')
  const config = loadConfig(
    {
      FARAMESH_HOST: '127.0.0.1',
      FARAMESH_PORT: '0',
      FARA_POLICY_FILE: policyPath,
      FARAMESH_TOKENS_FILE: tokensPath,
      FARAMESH_LOG_LEVEL: 'silent',
      FARAMESH_EXECUTORS: 'none',
      ...(o.postgresDsn ? { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: o.postgresDsn } : { FARA_SQLITE_PATH: join(dir, 'actions.db') }),
      ...o.env,
    },
    dir,
  )
  const handle = await startGateway(config)
  let stopped = false
  const api = async <T>(method: string, path: string, body?: unknown, token = TOKENS.admin): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${handle.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    })
    const text = await res.text()
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T }
  }
  const ok = async <T>(method: string, path: string, body?: unknown, token?: string): Promise<T> => {
    const r = await api<T>(method, path, body, token)
    if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`)
    return r.body
  }
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await handle.close()
  }
  return {
    url: handle.url,
    dir,
    stop,
    async close() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
    api,
    action: (id) => ok<Action>('GET', `/v1/actions/${id}`),
    async actions(query = '') {
      const body = await ok<Action[] | { actions: Action[] }>('GET', `/v1/actions${query}`)
      return Array.isArray(body) ? body : body.actions
    },
    approve: (id, reason = 'looks fine') => ok<Action>('POST', `/v1/actions/${id}/approval`, { approve: true, reason }, TOKENS.approver),
  }
}

/** Polls until `fn` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(fn: () => Promise<T | undefined>, ms = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms
  let last: unknown
  while (Date.now() < end) {
    try {
      const v = await fn()
      if (v !== undefined) return v
    } catch (err) {
      last = err
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}

export const tempDir = (prefix = 'faramesh-mcp-'): string => mkdtempSync(join(tmpdir(), prefix))
export const removeDir = (dir: string): void => rmSync(dir, { recursive: true, force: true })

// ---- the wrapper as a process ----

/** The environment a desktop client would give the wrapper: ours minus anything that would steer it. */
export function clientEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(FARAMESH_|FARA_)/.test(k) || ['NO_COLOR', 'FORCE_COLOR', 'NODE_OPTIONS', 'DEBUG'].includes(k)) continue
    env[k] = v
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

/** argv of `faramesh mcp wrap [flags] -- <server…>` for this Node. */
export const wrapArgv = (flags: string[], server: string[]): string[] => [FARAMESH_BIN, 'mcp', 'wrap', ...flags, '--', ...server]

export interface RawWrap {
  child: ChildProcess
  /** Every stdout line so far. */
  lines: string[]
  stderr: () => string
  send(message: unknown): void
  /** The next stdout message with this id (or matching `pred`), within `ms`. */
  waitFor(pred: (m: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const rawChildren = new Set<ChildProcess>()
/** For afterEach: kill every wrapper a test started and left running. */
export function killRawWrappers(): void {
  for (const c of rawChildren) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  rawChildren.clear()
}

/** `faramesh mcp wrap` spoken to line by line, to see exactly what it writes. */
export function rawWrap(flags: string[], server: string[], env: Record<string, string | undefined> = {}): RawWrap {
  const child = spawn(process.execPath, wrapArgv(flags, server), { env: clientEnv(env), stdio: ['pipe', 'pipe', 'pipe'] })
  rawChildren.add(child)
  const lines: string[] = []
  let rest = ''
  let err = ''
  const waiters: Array<() => void> = []
  child.stdout!.on('data', (d: Buffer) => {
    const parts = (rest + d.toString('utf8')).split('\n')
    rest = parts.pop() ?? ''
    lines.push(...parts)
    for (const w of waiters.splice(0)) w()
  })
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')))
  child.stdin!.on('error', () => {})
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  const parsed = (): Array<Record<string, unknown>> => lines.filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
  return {
    child,
    lines,
    stderr: () => err,
    send: (m) => child.stdin!.write(`${typeof m === 'string' ? m : JSON.stringify(m)}\n`),
    exited,
    waitFor(pred, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message within ${ms} ms; stdout:\n${lines.join('\n')}\nstderr:\n${err}`)), ms)
        const check = (): void => {
          const hit = parsed().find(pred)
          if (hit) {
            clearTimeout(timer)
            resolve(hit)
          } else waiters.push(check)
        }
        check()
      })
    },
  }
}

export const INITIALIZE = (protocolVersion = '2025-11-25', id: number | string = 0) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw-client', version: '1.0.0' } },
})

/** Processes whose command line mentions `marker` (a unique temp dir): none must outlive their wrapper. */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (cmd.includes(marker)) pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids.filter((p) => p !== process.pid)
}
