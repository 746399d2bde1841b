// A real gateway for the e2e suite: @faramesh/server's startGateway on 127.0.0.1:0 with a temp SQLite file, a
// small policy and (optionally) scoped tokens, serving this package's build/ at `/`.
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { Action, ActionRequest, Role } from '@faramesh/policy-core'
import { loadConfig, startGateway } from '@faramesh/server/node'

export const BUILD_DIR = resolve(import.meta.dirname, '../../build')

const POLICY = `
rules:
  - match: { tool: "payments", op: "*" }
    require_approval: true
    description: "Payments need a human"
    risk: "high"
  - match: { tool: "shell", op: "*", contains: "rm -rf" }
    deny: true
    description: "Destructive shell command"
    risk: "high"
  - match: { tool: "*", op: "*" }
    allow: true
    description: "Everything else is allowed"
risk:
  rules:
    - name: "sudo"
      when: { tool: "shell", contains: "sudo" }
      risk_level: "medium"
`

export interface TestToken {
  name: string
  role: Role
  token: string
}

export interface TestGateway {
  url: string
  close(): Promise<void>
  /** Stop and start again on the same port and database: every open stream is cut, nothing stored is lost. */
  restart(): Promise<void>
  submit(request: ActionRequest, token?: string): Promise<Action>
  /** Submit many requests with bounded concurrency (the gateway is on the same 2 cores as the browser). */
  submitMany(count: number, make: (i: number) => ActionRequest, opts?: { concurrency?: number; token?: string }): Promise<void>
  api<T>(path: string, init?: RequestInit & { token?: string }): Promise<T>
}

export async function startTestGateway(opts: { tokens?: TestToken[] } = {}): Promise<TestGateway> {
  if (!existsSync(join(BUILD_DIR, 'index.html'))) {
    throw new Error(`No dashboard build at ${BUILD_DIR}: run \`pnpm --filter @faramesh/dashboard build\` first`)
  }
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-dashboard-e2e-'))
  writeFileSync(join(dir, 'policy.yaml'), POLICY)
  const env: Record<string, string> = {
    FARA_POLICY_FILE: join(dir, 'policy.yaml'),
    FARA_SQLITE_PATH: join(dir, 'actions.db'),
    FARAMESH_HOST: '127.0.0.1',
    FARAMESH_PORT: '0',
    FARAMESH_UI_DIR: BUILD_DIR,
    FARAMESH_EXECUTORS: 'none',
    FARAMESH_LOG_LEVEL: 'silent',
    FARAMESH_SSE_HEARTBEAT_MS: '5000',
  }
  if (opts.tokens) {
    const tokens = opts.tokens.map((t) => ({
      name: t.name,
      role: t.role,
      sha256: createHash('sha256').update(t.token).digest('hex'),
    }))
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ version: 1, tokens }))
    env.FARAMESH_TOKENS_FILE = join(dir, 'tokens.json')
  }
  let gateway = await startGateway(loadConfig(env, dir))
  const url = gateway.url.replace(/\/+$/, '')

  async function api<T>(path: string, init: RequestInit & { token?: string } = {}): Promise<T> {
    const headers = new Headers(init.headers)
    if (init.token) headers.set('Authorization', `Bearer ${init.token}`)
    if (init.body) headers.set('Content-Type', 'application/json')
    const res = await fetch(url + path, { ...init, headers })
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status} ${await res.text()}`)
    return (await res.json()) as T
  }
  const submit = (request: ActionRequest, token?: string) =>
    api<Action>('/v1/actions', { method: 'POST', body: JSON.stringify(request), token })

  return {
    url,
    api,
    submit,
    async submitMany(count, make, o = {}) {
      let next = 0
      const worker = async () => {
        while (next < count) await submit(make(next++), o.token)
      }
      await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker))
    },
    async restart() {
      await gateway.close()
      gateway = await startGateway(loadConfig({ ...env, FARAMESH_PORT: String(gateway.port) }, dir))
    },
    async close() {
      await gateway.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
