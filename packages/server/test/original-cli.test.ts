// The original Faramesh 0.3 Python CLI's `approve` and `deny`, replayed byte for byte from its recorded HTTP exchange
// (fixtures/original-cli/approve-deny.json) against a real gateway on 127.0.0.1: it reads approval_token from
// GET /v1/actions/{id} and posts it back, in open loopback mode and with the all-rights FARAMESH_TOKEN.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'
import { hashToken } from '../src/tokens-file.js'
import { rawExchange } from './helpers.js'

interface Step {
  why: string
  request: { line: string; headers: string[]; body: string | null }
  response: { status: number; reads?: string; json?: Record<string, unknown> }
}
interface Flow {
  name: string
  argv: string[]
  steps: Step[]
}
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/original-cli/approve-deny.json', import.meta.url), 'utf8')) as { flows: Flow[] }
const flow = (name: string): Flow => FIXTURE.flows.find((f) => f.name === name)!

// The policy of the original's own API tests (tests/conftest.py base_policy).
const BASE_POLICY = `rules:
  - match: { tool: "http", op: "*" }
    allow: true
    description: "Allow HTTP"
  - match: { tool: "shell", op: "*" }
    require_approval: true
    description: "Shell requires approval"
  - match: { tool: "*", op: "*" }
    deny: true
    description: "Default deny"
`

let dir: string | null = null
let gw: GatewayHandle | null = null
afterEach(async () => {
  await gw?.close()
  gw = null
  if (dir) rmSync(dir, { recursive: true, force: true })
  dir = null
})

async function start(env: Record<string, string> = {}): Promise<GatewayHandle> {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-orig-cli-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), BASE_POLICY)
  gw = await startGateway(loadConfig({ FARAMESH_PORT: '0', ...env }, dir), { logger: silentLogger })
  return gw
}

async function pendingAction(g: GatewayHandle, apiToken?: string): Promise<{ id: string }> {
  const res = await fetch(`${g.url}/v1/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiToken ? { authorization: `Bearer ${apiToken}` } : {}) },
    body: JSON.stringify({ agent_id: 'agent-approve', tool: 'shell', operation: 'run', params: { cmd: 'echo hi' } }),
  })
  const a = (await res.json()) as { id: string; status: string }
  expect(a.status).toBe('pending_approval')
  return a
}

type Outcome = { ok: true; final: Record<string, unknown> } | { ok: false; error: string }

/** Plays a flow as the CLI would: fill in the recorded requests, stop where the CLI would stop, and say why. */
async function replay(g: GatewayHandle, f: Flow, vars: Record<string, string>): Promise<Outcome> {
  const values: Record<string, string> = { host: `127.0.0.1:${g.port}`, ...vars }
  const fill = (s: string): string => s.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m)
  let last: Record<string, unknown> = {}
  for (const step of f.steps) {
    const body = step.request.body === null ? '' : fill(step.request.body)
    values.content_length = String(Buffer.byteLength(body))
    const text = [fill(step.request.line), ...step.request.headers.map(fill), '', body].join('\r\n')
    expect(text, 'every placeholder filled').not.toMatch(/\{[a-z_]+\}/)
    const raw = await rawExchange(g.port, text, 1)
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1])
    last = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>
    // requests' raise_for_status(): the CLI prints the error and exits 1.
    if (status >= 400) return { ok: false, error: `HTTP ${status}: ${JSON.stringify(last.detail)}` }
    expect(status, step.why).toBe(step.response.status)
    if (step.response.reads) {
      const v = last[step.response.reads]
      if (!v) return { ok: false, error: 'No approval token found (action may already be approved/denied)' }
      values[step.response.reads] = String(v)
    }
    if (step.response.json) expect(last, step.why).toMatchObject(step.response.json)
  }
  return { ok: true, final: last }
}

async function lastEvent(g: GatewayHandle, id: string): Promise<{ event_type: string; meta: Record<string, unknown> }> {
  return (await g.ledger.getEvents(id)).at(-1) as never
}

describe('the recorded exchange', () => {
  it('is the CLI sequence: GET, GET, then POST {token, approve, reason} as python-requests sends it', () => {
    expect(FIXTURE.flows).toHaveLength(4)
    for (const f of FIXTURE.flows) {
      expect(f.steps.map((s) => s.request.line)).toEqual(['GET /v1/actions/{id} HTTP/1.1', 'GET /v1/actions/{id} HTTP/1.1', 'POST /v1/actions/{id}/approval HTTP/1.1'])
      expect(f.steps[1]!.response.reads).toBe('approval_token')
      const post = f.steps[2]!.request
      expect(post.headers).toContain('Content-Type: application/json')
      expect(Object.keys(JSON.parse(post.body!.replace('{approval_token}', 't')) as object)).toEqual(['token', 'approve', 'reason'])
      const auth = f.steps.every((s) => s.request.headers.includes('Authorization: Bearer {api_token}'))
      expect(auth).toBe(f.name.includes('FARAMESH_TOKEN'))
    }
  })
})

describe('the original CLI against this gateway', () => {
  it('approve in open loopback mode', async () => {
    const g = await start()
    const a = await pendingAction(g)
    const r = await replay(g, flow('approve, open loopback mode'), { id: a.id })
    expect(r).toMatchObject({ ok: true, final: { id: a.id, status: 'approved', reason: 'Shell requires approval' } })
    expect(await lastEvent(g, a.id)).toMatchObject({ event_type: 'approved', meta: { reason: null } })
  })

  it('deny with a reason in open loopback mode', async () => {
    const g = await start()
    const a = await pendingAction(g)
    const r = await replay(g, flow('deny with a reason, open loopback mode'), { id: a.id })
    expect(r).toMatchObject({ ok: true, final: { status: 'denied' } })
    expect(await lastEvent(g, a.id)).toMatchObject({ event_type: 'denied', meta: { reason: 'not today' } })
  })

  it('approve and deny with the all-rights FARAMESH_TOKEN', async () => {
    const g = await start({ FARAMESH_TOKEN: 'secret-token' })
    const a = await pendingAction(g, 'secret-token')
    expect(await replay(g, flow('approve with FARAMESH_TOKEN'), { id: a.id, api_token: 'secret-token' })).toMatchObject({ ok: true, final: { status: 'approved' } })
    expect(await lastEvent(g, a.id)).toMatchObject({ event_type: 'approved', meta: { by: 'legacy-token' } })
    const b = await pendingAction(g, 'secret-token')
    expect(await replay(g, flow('deny with FARAMESH_TOKEN'), { id: b.id, api_token: 'secret-token' })).toMatchObject({ ok: true, final: { status: 'denied' } })
    // Run again on a decided action, the CLI finds no token and stops: nothing is decided twice.
    expect(await replay(g, flow('deny with FARAMESH_TOKEN'), { id: a.id, api_token: 'secret-token' })).toEqual({
      ok: false,
      error: 'No approval token found (action may already be approved/denied)',
    })
    expect((await g.ledger.getAction(a.id))!.status).toBe('approved')
  })

  it('with an agent token the CLI gets no token to post, and a wrong API token is a 401', async () => {
    const tokens = join(mkdtempSync(join(tmpdir(), 'faramesh-orig-tokens-')), 'tokens.json')
    // The agent token is named after the agent it submits for.
    writeFileSync(tokens, JSON.stringify({ version: 1, tokens: [{ name: 'agent-approve', role: 'agent', sha256: hashToken('agent-tok') }] }))
    const g = await start({ FARAMESH_TOKEN: 'secret-token', FARAMESH_TOKENS_FILE: tokens })
    const a = await pendingAction(g, 'agent-tok')
    expect(await replay(g, flow('approve with FARAMESH_TOKEN'), { id: a.id, api_token: 'agent-tok' })).toEqual({
      ok: false,
      error: 'No approval token found (action may already be approved/denied)',
    })
    expect(await replay(g, flow('approve with FARAMESH_TOKEN'), { id: a.id, api_token: 'not-a-token' })).toEqual({ ok: false, error: 'HTTP 401: "Unauthorized"' })
    expect((await g.ledger.getAction(a.id))!.status).toBe('pending_approval')
    rmSync(tokens, { force: true })
  })
})
