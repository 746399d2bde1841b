// startGateway end to end on 127.0.0.1: files, hot reload, refusal to start, UI, demo, metrics text.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import parsePrometheus from 'parse-prometheus-text-format'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../src/node/config.js'
import type { GatewayHandle } from '../src/node/start-gateway.js'
import { gatewayFolder } from './gateway-folder.js'
import { eventually, metricValue } from './helpers.js'

const ALLOW_HTTP = 'rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n'
const DENY_HTTP = 'rules:\n  - match: { tool: http, op: "*" }\n    deny: true\n    description: now denied\n'
const BROKEN = 'rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n    deny: true\n'

const f = gatewayFolder('faramesh-gw-', ALLOW_HTTP)
const start = f.start
const decide = async (g: GatewayHandle) =>
  (await (await fetch(`${g.url}/v1/gate/decide`, { method: 'POST', body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }) })).json()) as {
    decision: string
  }

describe('startGateway', () => {
  it('serves the API from a SQLite file relative to the working directory', async () => {
    const g = await start()
    expect(g.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(await (await fetch(`${g.url}/health`)).json()).toEqual({ status: 'healthy' })
    expect((await fetch(`${g.url}/ready`)).status).toBe(200)
    const info = await (await fetch(`${g.url}/v1/policy/info`)).json()
    expect(info).toMatchObject({ policy_file: 'policies/default.yaml', policy_path: join(f.dir, 'policies', 'default.yaml'), exists: true })
    await g.close()
    f.gw = null
    const { existsSync } = await import('node:fs')
    expect(existsSync(join(f.dir, 'data', 'actions.db'))).toBe(true)
  })

  it('hot reload: a broken policy keeps the old one (logged, counted); a fixed one takes over', async () => {
    const g = await start({ FARAMESH_HOT_RELOAD: '1' })
    expect((await decide(g)).decision).toBe('allow')
    writeFileSync(join(f.dir, 'policies', 'default.yaml'), BROKEN)
    await eventually(async () => f.logs.some((l) => l.includes('policy reload failed')), 5000)
    expect((await decide(g)).decision).toBe('allow')
    const failed = f.logs.find((l) => l.includes('policy reload failed'))!
    expect(JSON.parse(failed).error).toMatch(/default\.yaml:\d+:\d+/)
    writeFileSync(join(f.dir, 'policies', 'default.yaml'), DENY_HTTP)
    await eventually(async () => (await decide(g)).decision === 'deny', 5000)
    expect(await metricValue(g.url, 'faramesh_policy_reloads_total', { result: 'failure' })).toBeGreaterThanOrEqual(1)
    expect(await metricValue(g.url, 'faramesh_policy_reloads_total', { result: 'success' })).toBeGreaterThanOrEqual(1)
  })

  it('refuses to start on a corrupted policy, naming file, line and reason', async () => {
    writeFileSync(join(f.dir, 'policies', 'default.yaml'), BROKEN)
    await expect(start()).rejects.toMatchObject({ code: 'POLICY_INVALID', message: expect.stringMatching(/default\.yaml:2:\d+.*effect/is) })
  })

  it('starts with a missing policy file denying everything, and says so', async () => {
    const g = await start({ FARA_POLICY_FILE: 'policies/missing.yaml' })
    expect((await decide(g)).decision).toBe('deny')
    expect(await (await fetch(`${g.url}/v1/policy/info`)).json()).toMatchObject({ exists: false, policy_file: 'policies/missing.yaml' })
    expect(f.logs.some((l) => l.includes('policy file not found'))).toBe(true)
  })

  it('refuses a non-loopback address without a token unless explicitly allowed', async () => {
    await expect(start({ FARAMESH_HOST: '0.0.0.0' })).rejects.toMatchObject({ message: expect.stringMatching(/FARAMESH_ALLOW_UNAUTHENTICATED=1/) })
    const g = await start({ FARAMESH_HOST: '0.0.0.0', FARAMESH_TOKEN: 's3cret' })
    expect((await fetch(`http://127.0.0.1:${g.port}/v1/actions`)).status).toBe(401)
    expect((await fetch(`http://127.0.0.1:${g.port}/v1/actions`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200)
  })

  it('seeds demo actions once, only into an empty store', async () => {
    let g = await start({ FARAMESH_DEMO: '1' })
    const first = (await (await fetch(`${g.url}/v1/actions?limit=100`)).json()) as unknown[]
    expect(first.length).toBeGreaterThan(3)
    await g.close()
    g = await start({ FARAMESH_DEMO: '1' })
    const second = (await (await fetch(`${g.url}/v1/actions?limit=100`)).json()) as unknown[]
    expect(second).toHaveLength(first.length)
  })

  it('has the demo seeded before it accepts the first connection', async () => {
    const { createServer } = await import('node:net')
    const probe = createServer().listen(0, '127.0.0.1')
    await new Promise((r) => probe.once('listening', r))
    const port = (probe.address() as { port: number }).port
    await new Promise((r) => probe.close(r))
    const starting = start({ FARAMESH_DEMO: '1', FARAMESH_PORT: String(port) })
    // The first answer any client gets already lists every demo action.
    let firstSeen: number | null = null
    for (let i = 0; i < 2000 && firstSeen === null; i++) {
      try {
        firstSeen = ((await (await fetch(`http://127.0.0.1:${port}/v1/actions?limit=100`)).json()) as unknown[]).length
      } catch {
        await new Promise((r) => setTimeout(r, 1))
      }
    }
    await starting
    const all = (await (await fetch(`http://127.0.0.1:${port}/v1/actions?limit=100`)).json()) as unknown[]
    expect(all.length).toBeGreaterThan(3)
    expect(firstSeen).toBe(all.length)
  })

  it('serves the dashboard build at / with a client-side-routing fallback, and API 404s stay JSON', async () => {
    const ui = join(f.dir, 'ui')
    mkdirSync(join(ui, 'assets'), { recursive: true })
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>dash</title>')
    writeFileSync(join(ui, 'assets', 'app.js'), 'console.log(1)')
    const g = await start({ FARAMESH_UI_DIR: 'ui' })
    const root = await fetch(`${g.url}/`)
    expect(root.headers.get('content-type')).toMatch(/text\/html/)
    expect(await root.text()).toContain('dash')
    expect((await fetch(`${g.url}/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/)
    expect(await (await fetch(`${g.url}/actions/123`)).text()).toContain('dash')
    expect(await (await fetch(`${g.url}/%2e%2e/%2e%2e/%2e%2e/etc/passwd`)).text()).not.toContain('root:')
    const api404 = await fetch(`${g.url}/v1/nope`)
    expect(api404.status).toBe(404)
    expect(await api404.json()).toHaveProperty('detail')
  })

  it('exposes the contract metrics in valid Prometheus text', async () => {
    const g = await start()
    await decide(g)
    await fetch(`${g.url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }) })
    await fetch(`${g.url}/v1/actions/nope`)
    const families = parsePrometheus(await (await fetch(`${g.url}/metrics`)).text())
    const names = families.map((f) => f.name)
    for (const n of [
      'faramesh_requests_total',
      'faramesh_errors_total',
      'faramesh_actions_total',
      'faramesh_action_duration_seconds',
      'faramesh_decision_duration_seconds',
      'faramesh_policy_reloads_total',
      'faramesh_sse_clients',
      'faramesh_ledger_append_duration_seconds',
    ]) {
      expect(names).toContain(n)
    }
    const reqs = families.find((f) => f.name === 'faramesh_requests_total')!
    expect(reqs.type).toBe('COUNTER')
    expect(reqs.metrics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { method: 'POST', endpoint: '/v1/gate/decide', status: '200' } }),
        expect.objectContaining({ labels: { method: 'GET', endpoint: '/v1/actions/{id}', status: '404' } }),
      ]),
    )
    const actions = families.find((f) => f.name === 'faramesh_actions_total')!
    expect(actions.metrics).toEqual(expect.arrayContaining([expect.objectContaining({ labels: { status: 'allowed', tool: 'http' }, value: '1' })]))
    const decisions = families.find((f) => f.name === 'faramesh_decision_duration_seconds')!
    expect(decisions.type).toBe('HISTOGRAM')
  })

  it('signs the ledger head at shutdown, so nothing written before it is left unsigned', async () => {
    const g = await start()
    for (let i = 0; i < 3; i++) await fetch(`${g.url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }) })
    const head = (await g.ledger.head())!
    expect(head.seq).toBe(6)
    expect(await g.ledger.checkpoints()).toEqual([])
    await g.close()
    f.gw = null
    const { default: Database } = await import('better-sqlite3')
    const db = new Database(join(f.dir, 'data', 'actions.db'), { readonly: true })
    expect(db.prepare('SELECT seq, hash FROM ledger_checkpoints').all()).toEqual([head])
    db.close()
    expect(f.logs.some((l) => l.includes('ledger checkpoint signed') && l.includes('"seq":6'))).toBe(true)
  })

  it('signs checkpoints every FARAMESH_CHECKPOINT_EVERY events while it runs', async () => {
    const g = await start({ FARAMESH_CHECKPOINT_EVERY: '4,1h' })
    for (let i = 0; i < 3; i++) await fetch(`${g.url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }) })
    await eventually(async () => (await g.ledger.checkpoints()).length === 1, 5000)
    expect((await g.ledger.checkpoints())[0]!.seq).toBeGreaterThanOrEqual(4)
  })

  it('refuses to start with an invalid FARAMESH_CHECKPOINT_EVERY, naming it', async () => {
    expect(() => loadConfig({ FARAMESH_CHECKPOINT_EVERY: 'sometimes' }, f.dir)).toThrow(/FARAMESH_CHECKPOINT_EVERY: expected a count of events/)
  })

  it('shuts down gracefully: stops accepting and closes the ledger', async () => {
    const g = await start()
    const sse = await fetch(`${g.url}/v1/events`)
    expect(sse.status).toBe(200)
    await g.close()
    f.gw = null
    await expect(fetch(`${g.url}/health`)).rejects.toThrow()
  })
})
