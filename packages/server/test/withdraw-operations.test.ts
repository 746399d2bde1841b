// POST /v1/actions/{id}/withdraw and POST /v1/gate/operations (issue 21, for the MCP relay): what they change, what
// they refuse (bad input, wrong role, another agent's action), and that gate/operations stores nothing.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashToken } from '../src/tokens-file.js'
import { call, makeApp, type TestApp } from './helpers.js'

const POLICY = `
rules:
  - match: { tool: "mcp:files", op: delete_all }
    deny: true
  - match: { tool: "mcp:files", mcp_hint: destructive }
    require_approval: true
  - match: { tool: "mcp:files", op: read_file }
    allow: true
  - match: { tool: "mcp:files", op: move_file, field: force, value: true }
    allow: true
  - match: { tool: "mcp:files", agent_id: trusted, op: "*" }
    allow: true
`
const TOKENS = { a1: 'tok-a1', a2: 'tok-a2', approver: 'tok-approver', auditor: 'tok-auditor', admin: 'tok-admin' }
let t: TestApp

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'faramesh-tokens-')), 'tokens.json')
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'bot1', role: 'agent', sha256: hashToken(TOKENS.a1), agent_id: 'a1' },
        { name: 'bot2', role: 'agent', sha256: hashToken(TOKENS.a2), agent_id: 'a2' },
        { name: 'alice', role: 'approver', sha256: hashToken(TOKENS.approver) },
        { name: 'audrey', role: 'auditor', sha256: hashToken(TOKENS.auditor) },
        { name: 'root', role: 'admin', sha256: hashToken(TOKENS.admin) },
      ],
    }),
  )
  t = await makeApp({ policy: POLICY, auth: { tokensFile: file } })
})
afterAll(async () => {
  await t?.close()
})

const mcp = (annotations: unknown) => ({ mcp: { server: 'files', annotations, protocol_version: '2025-11-25', agent_source: 'token' } })
const held = async (token = TOKENS.a1): Promise<string> => {
  const r = await call(t.app, 'POST', '/v1/actions', { tool: 'mcp:files', operation: 'write_file', params: { path: 'x' }, context: mcp(null) }, token)
  expect(r.body.status).toBe('pending_approval')
  return r.body.id
}

describe('POST /v1/actions/{id}/withdraw', () => {
  it('moves a held action to timeout {reason: withdrawn, detail}; it can no longer be approved', async () => {
    const id = await held()
    const w = await call(t.app, 'POST', `/v1/actions/${id}/withdraw`, { detail: 'MCP client cancelled' }, TOKENS.a1)
    expect(w.status).toBe(200)
    expect(w.body).toMatchObject({ id, status: 'timeout', error: 'withdrawn: MCP client cancelled' })
    const events = (await call(t.app, 'GET', `/v1/actions/${id}/events`, undefined, TOKENS.admin)).body
    expect(events.at(-1)).toMatchObject({ event_type: 'timeout', meta: { reason: 'withdrawn', detail: 'MCP client cancelled', by: 'bot1' } })
    const late = await call(t.app, 'POST', `/v1/actions/${id}/approval`, { approve: true }, TOKENS.approver)
    expect(late.status).toBe(409)
    expect(late.body.detail).toMatch(/not in pending_approval/)
    // Withdrawn twice: the second says what it is now.
    const again = await call(t.app, 'POST', `/v1/actions/${id}/withdraw`, { detail: 'x' }, TOKENS.a1)
    expect(again).toMatchObject({ status: 409, body: { detail: 'Action is not in pending_approval status (it is timeout)' } })
  })

  it('an approval that came first wins: the withdraw is a 409 and the action stays approved', async () => {
    const id = await held()
    expect((await call(t.app, 'POST', `/v1/actions/${id}/approval`, { approve: true }, TOKENS.approver)).body.status).toBe('approved')
    const w = await call(t.app, 'POST', `/v1/actions/${id}/withdraw`, { detail: 'late' }, TOKENS.a1)
    expect(w.status).toBe(409)
    expect((await call(t.app, 'GET', `/v1/actions/${id}`, undefined, TOKENS.admin)).body.status).toBe('approved')
  })

  it('admins withdraw any action; without a body the detail says who', async () => {
    const id = await held()
    const w = await call(t.app, 'POST', `/v1/actions/${id}/withdraw`, undefined, TOKENS.admin)
    expect(w.body).toMatchObject({ status: 'timeout', error: 'withdrawn: withdrawn by its submitter' })
  })

  it('refuses another agent, approvers and auditors (403), no token (401), an unknown id (404)', async () => {
    const id = await held()
    for (const [tok, status] of [[TOKENS.a2, 403], [TOKENS.approver, 403], [TOKENS.auditor, 403], [undefined, 401]] as const) {
      const r = await call(t.app, 'POST', `/v1/actions/${id}/withdraw`, { detail: 'x' }, tok)
      expect(r.status).toBe(status)
      expect(r.body.detail).toEqual(expect.any(String))
    }
    expect((await call(t.app, 'GET', `/v1/actions/${id}`, undefined, TOKENS.admin)).body.status).toBe('pending_approval')
    expect((await call(t.app, 'POST', '/v1/actions/nope/withdraw', {}, TOKENS.admin)).status).toBe(404)
  })

  it('refuses bad bodies with 422 and a detail', async () => {
    const id = await held()
    for (const body of ['{', '[]', { detail: '' }, { detail: 5 }, { detail: 'x'.repeat(1001) }, { detail: 'x', extra: 1 }, '{"detail":"a","detail":"b"}']) {
      const r = await call(t.app, 'POST', `/v1/actions/${id}/withdraw`, body, TOKENS.a1)
      expect(r.status, JSON.stringify(body)).toBe(422)
      expect(r.body.detail).toBeDefined()
    }
    expect((await call(t.app, 'GET', `/v1/actions/${id}`, undefined, TOKENS.admin)).body.status).toBe('pending_approval')
  })
})

describe('POST /v1/gate/operations', () => {
  const ops = ['delete_all', 'write_file', 'read_file', 'move_file', 'list_directory']
  const ask = (body: unknown, token: string | undefined = TOKENS.a1) => call(t.app, 'POST', '/v1/gate/operations', body, token)

  it('lists the operations denied whatever their params, in request order, and stores nothing', async () => {
    const before = (await call(t.app, 'GET', '/v1/actions?limit=1', undefined, TOKENS.admin)).headers.get('x-total-count')
    const r = await ask({ tool: 'mcp:files', operations: ops, context: mcp({ readOnlyHint: true }) })
    expect(r).toMatchObject({ status: 200, body: { denied: ['delete_all', 'write_file', 'list_directory'] } })
    // Without hints every tool may be destructive: those are held, not denied.
    expect((await ask({ tool: 'mcp:files', operations: ops, context: mcp(null) })).body).toEqual({ denied: ['delete_all'] })
    expect((await ask({ tool: 'mcp:other', operations: ['a', 'b'] })).body).toEqual({ denied: ['a', 'b'] })
    const after = (await call(t.app, 'GET', '/v1/actions?limit=1', undefined, TOKENS.admin)).headers.get('x-total-count')
    expect(after).toBe(before)
  })

  it('an agent token is bound to its agent: another agent_id is a 403, its own is what is decided', async () => {
    const other = await ask({ agent_id: 'trusted', tool: 'mcp:files', operations: ops, context: mcp({ readOnlyHint: true }) })
    expect(other.status).toBe(403)
    expect(other.body.detail).toMatch(/acts for agent "a1"/)
    const viaContext = await ask({ tool: 'mcp:files', operations: ops, context: { agent_id: 'trusted' } })
    expect(viaContext.status).toBe(403)
    // An admin may name the agent (and must).
    const admin = await ask({ agent_id: 'trusted', tool: 'mcp:files', operations: ops, context: mcp({ readOnlyHint: true }) }, TOKENS.admin)
    expect(admin.body).toEqual({ denied: ['delete_all'] })
    expect((await ask({ tool: 'mcp:files', operations: ops }, TOKENS.admin)).status).toBe(422)
  })

  it('refuses approvers and auditors (403) and no token (401)', async () => {
    for (const [tok, status] of [[TOKENS.approver, 403], [TOKENS.auditor, 403], [undefined, 401]] as const) {
      const r = await call(t.app, 'POST', '/v1/gate/operations', { agent_id: 'a1', tool: 'mcp:files', operations: ops }, tok)
      expect(r.status).toBe(status)
      expect(r.body.detail).toEqual(expect.any(String))
    }
  })

  it('refuses bad input with 422 and bounds its size', async () => {
    const bad: unknown[] = [
      '{',
      {},
      { tool: 'mcp:files' },
      { tool: 'mcp:files', operations: [] },
      { tool: 'mcp:files', operations: 'read_file' },
      { tool: 'mcp:files', operations: [1] },
      { tool: 'mcp:files', operations: [''] },
      { tool: 'mcp:files', operations: ['x'.repeat(257)] },
      { tool: 'mcp:files', operations: Array.from({ length: 1001 }, (_, i) => `op${i}`) },
      { tool: 'mcp:files', operations: ['a'], context: [] },
      { tool: 'mcp:files', operations: ['a'], params: {} },
      { tool: '', operations: ['a'] },
    ]
    for (const body of bad) {
      const r = await ask(body)
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(422)
      expect(r.body.detail).toBeDefined()
    }
    const huge = await ask({ tool: 'mcp:files', operations: ['a'], context: { pad: 'x'.repeat(1024 * 1024) } })
    expect(huge.status).toBe(413)
    expect((await ask({ tool: 'mcp:files', operations: Array.from({ length: 1000 }, (_, i) => `op${i}`) })).status).toBe(200)
  })
})
