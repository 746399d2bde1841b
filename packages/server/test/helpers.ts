// Shared test setup: a real app on a real SQLite file in a temp dir, with a given policy and options.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { connect } from 'node:net'
import { join } from 'node:path'
import parsePrometheus from 'parse-prometheus-text-format'
import { parsePolicy } from '@faramesh/policy-core'
import type { Ledger } from '@faramesh/ledger'
import { openSqliteLedger } from '@faramesh/ledger/sqlite'
import { createApp, type AppDeps, type GatewayApp } from '../src/app.js'
import { createAuthenticator, type AuthOptions } from '../src/auth.js'
import { staticPolicySource } from '../src/policy-source.js'
import { silentLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'
import { tokenSourceFromFile } from '../src/node/tokens-source.js'
import { hashToken } from '../src/tokens-file.js'

export const POLICY = `
rules:
  - match: { tool: shell, op: "*", pattern: "rm -rf" }
    deny: true
    description: Block destructive commands
  - match: { tool: http, op: get }
    allow: true
    description: Allow HTTP GET
  - match: { tool: shell, op: run, contains: "safe" }
    allow: true
    description: Safe shell
  - match: { tool: shell, op: "*" }
    require_approval: true
    description: Shell needs approval
  - match: { tool: stripe, op: refund }
    allow: true
risk:
  rules:
    - name: big_refund
      when: { tool: stripe, operation: refund, amount_gt: 1000 }
      risk_level: high
`

/** `tokensFile`: the scoped tokens of that file, read once (the gateway itself watches the file). */
function authOptions(o: (AuthOptions & { tokensFile?: string }) | undefined): AuthOptions {
  if (!o) return {}
  const { tokensFile, ...rest } = o
  return tokensFile ? { ...rest, tokens: tokenSourceFromFile(tokensFile) } : rest
}

export interface TestApp {
  app: GatewayApp
  ledger: Ledger
  dir: string
  close(): Promise<void>
}

export async function makeApp(
  opts: { policy?: string; auth?: AuthOptions & { tokensFile?: string }; config?: AppDeps['config']; clock?: () => Date; executors?: AppDeps['executors']; lease?: AppDeps['lease'] } = {},
): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-server-'))
  const ledger = await openSqliteLedger(join(dir, 'actions.db'))
  const app = createApp({
    ledger,
    policy: staticPolicySource(parsePolicy(opts.policy ?? POLICY, { source: 'test.yaml' })),
    auth: createAuthenticator(authOptions(opts.auth)),
    config: { executors: ['shell'], ...opts.config },
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.executors ? { executors: opts.executors } : {}),
    ...(opts.lease ? { lease: opts.lease } : {}),
  })
  return {
    app,
    ledger,
    dir,
    async close() {
      await app.close()
      await ledger.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type Json = any

/** JSON request against the app; returns status, parsed body and headers. */
export async function call(
  app: GatewayApp,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const headers: Record<string, string> = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  const init: RequestInit = { method, headers }
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body)
  const res = await app.request(path, init)
  const text = await res.text()
  let parsed: Json = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // not JSON (metrics, html)
  }
  return { status: res.status, body: parsed, headers: res.headers }
}

/** Poll until fn returns a truthy value (executors run off the request path). */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** One sample of a metric from a running gateway's /metrics, read with a real Prometheus text parser (0 if absent). */
export async function metricValue(baseUrl: string, name: string, labels: Record<string, string>, token?: string): Promise<number> {
  const families = parsePrometheus(await (await fetch(`${baseUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {})).text())
  const family = families.find((f) => f.name === name)
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
  return sample ? Number(sample.value) : 0
}

/** A real gateway over HTTP (startGateway on port 0) in a temp dir with POLICY and a scoped tokens file. */
export async function startTokenGateway(
  prefix: string,
  tokens: Array<{ name: string; role: string; token: string; agent?: string }>,
): Promise<{ gw: GatewayHandle; dir: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
  const entries = tokens.map((t) => ({ name: t.name, role: t.role, sha256: hashToken(t.token), ...(t.agent ? { agent_id: t.agent } : {}) }))
  writeFileSync(join(dir, 'tokens.json'), JSON.stringify({ version: 1, tokens: entries }))
  const gw = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARAMESH_TOKENS_FILE: 'tokens.json' }, dir), {
    logger: silentLogger,
  })
  return {
    gw,
    dir,
    close: async () => {
      await gw.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Writes raw bytes on one connection and resolves with everything read once `answers` complete responses (each
 * framed by its content-length) have arrived; rejects after `timeoutMs`.
 */
export function rawExchange(port: number, bytes: string, answers: number, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let got = ''
    const complete = (): number => {
      let n = 0
      let at = 0
      for (;;) {
        const end = got.indexOf('\r\n\r\n', at)
        if (end < 0) return n
        const len = Number(/\r\ncontent-length: (\d+)/i.exec(got.slice(at, end))?.[1] ?? 0)
        if (got.length < end + 4 + len) return n
        n++
        at = end + 4 + len
      }
    }
    const timer = setTimeout(() => {
      s.destroy()
      reject(new Error(`only ${complete()} of ${answers} answers after ${timeoutMs} ms: ${got}`))
    }, timeoutMs)
    s.setEncoding('utf8')
    s.on('data', (d: string) => {
      got += d
      if (complete() >= answers) {
        clearTimeout(timer)
        s.destroy()
        resolve(got)
      }
    })
    s.on('error', reject)
    s.write(bytes)
  })
}
