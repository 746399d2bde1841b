// An agent token touches only its own agent's actions. Ownership was the token's name alone (submitted_by), so a
// token that reuses the name of a revoked or expired one (`faramesh token create` allows that) but acts for another
// agent read, started and reported the first agent's actions: one agent acting on another's behalf (issue 22 item 2).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { indexTokens, type ActiveToken, type TokenSource } from '../src/auth.js'
import { hashToken, type TokenEntry } from '../src/tokens-file.js'
import { call, makeApp, type TestApp } from './helpers.js'

let t: TestApp
let tokens: ReadonlyMap<string, ActiveToken>
const source: TokenSource = { current: () => tokens }
const entry = (name: string, token: string, agent: string, revoked = false): TokenEntry => ({
  name,
  role: 'agent',
  sha256: hashToken(token),
  agent_id: agent,
  ...(revoked ? { revoked_at: '2026-01-01T00:00:00Z' } : {}),
})
const setTokens = (...entries: TokenEntry[]): void => {
  tokens = indexTokens({ version: 1, tokens: [...entries, { name: 'root', role: 'admin', sha256: hashToken('admin-tok') }] })
}

beforeEach(async () => {
  setTokens(entry('ops-bot', 'first-tok', 'billing'))
  t = await makeApp({ auth: { tokens: source }, config: { executors: [] } })
})
afterEach(() => t.close())

describe('a token that reuses the name of an earlier one, for another agent', () => {
  it("cannot read, start, report or list the earlier agent's actions", async () => {
    const allowed = await call(t.app, 'POST', '/v1/actions', { tool: 'http', operation: 'get', params: { url: 'https://a.example' } }, 'first-tok')
    const pending = await call(t.app, 'POST', '/v1/actions', { tool: 'shell', operation: 'run', params: { cmd: 'ls' } }, 'first-tok')
    expect([allowed.body.agent_id, allowed.body.status, pending.body.status]).toEqual(['billing', 'allowed', 'pending_approval'])

    // The first token is revoked; a new one gets its name but acts for another agent.
    setTokens(entry('ops-bot', 'first-tok', 'billing', true), entry('ops-bot', 'second-tok', 'payments'))
    for (const id of [allowed.body.id, pending.body.id]) {
      expect((await call(t.app, 'GET', `/v1/actions/${id}`, undefined, 'second-tok')).status).toBe(403)
      expect((await call(t.app, 'GET', `/v1/actions/${id}/events`, undefined, 'second-tok')).status).toBe(403)
    }
    expect((await call(t.app, 'POST', `/v1/actions/${allowed.body.id}/start`, {}, 'second-tok')).status).toBe(403)
    expect((await call(t.app, 'POST', `/v1/actions/${allowed.body.id}/result`, { success: true, result: { forged: true } }, 'second-tok')).status).toBe(403)
    const list = await call(t.app, 'GET', '/v1/actions', undefined, 'second-tok')
    expect(list.status).toBe(200)
    expect(list.body).toEqual([])
    expect(list.headers.get('x-total-count')).toBe('0')
    expect((await call(t.app, 'GET', '/v1/actions?agent_id=billing', undefined, 'second-tok')).body).toEqual([])
    // Nothing changed.
    expect((await t.ledger.getAction(allowed.body.id))?.status).toBe('allowed')
  })

  it('still sees and runs what it submitted itself, and the admin sees everything', async () => {
    setTokens(entry('ops-bot', 'first-tok', 'billing', true), entry('ops-bot', 'second-tok', 'payments'))
    const own = await call(t.app, 'POST', '/v1/actions', { tool: 'http', operation: 'get', params: { url: 'https://b.example' } }, 'second-tok')
    expect(own.body.agent_id).toBe('payments')
    expect((await call(t.app, 'GET', `/v1/actions/${own.body.id}`, undefined, 'second-tok')).status).toBe(200)
    const list = await call(t.app, 'GET', '/v1/actions', undefined, 'second-tok')
    expect(list.body.map((a: { id: string }) => a.id)).toEqual([own.body.id])
    expect((await call(t.app, 'GET', '/v1/actions?agent_id=payments', undefined, 'second-tok')).body).toHaveLength(1)
    expect((await call(t.app, 'POST', `/v1/actions/${own.body.id}/result`, { success: true }, 'second-tok')).body.status).toBe('succeeded')
    expect((await call(t.app, 'GET', `/v1/actions/${own.body.id}`, undefined, 'admin-tok')).status).toBe(200)
  })
})
