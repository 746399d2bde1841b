// An MCP call held by the gateway's in-process gate is started and reported by that gateway only. Its agent, holding
// the same token the MCP session uses, must not start it through POST /v1/actions/{id}/start between the approval
// and the relay's own start, nor report an outcome for it through POST /result: the relay would find it closed and
// never forward it, and the ledger would keep whatever result the agent made up (P3 review, issue 21).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Principal } from '../src/auth.js'
import { silentLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import type { GatewayExtensionHost } from '../src/node/extensions.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'
import { hashToken } from '../src/tokens-file.js'

const POLICY = `
rules:
  - match: { tool: "mcp:files", op: write_file }
    require_approval: true
  - match: { tool: "files", op: write_file }
    require_approval: true
`
const TOKENS = { a1: 'tok-held-a1', approver: 'tok-held-approver', admin: 'tok-held-admin' }
const A1: Principal = { name: 'bot1', role: 'agent', kind: 'scoped', agentId: 'a1' }

let dir: string
let h: GatewayHandle
let host: GatewayExtensionHost

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-held-api-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
  writeFileSync(
    join(dir, 'tokens.json'),
    JSON.stringify({
      version: 1,
      tokens: [
        { name: 'bot1', role: 'agent', sha256: hashToken(TOKENS.a1), agent_id: 'a1' },
        { name: 'alice', role: 'approver', sha256: hashToken(TOKENS.approver) },
        { name: 'root', role: 'admin', sha256: hashToken(TOKENS.admin) },
      ],
    }),
  )
  h = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARAMESH_TOKENS_FILE: 'tokens.json' }, dir), {
    logger: silentLogger,
    extensions: [
      async (x) => {
        host = x
        return { name: 'capture', mounts: [], async close() {} }
      },
    ],
  })
})
afterAll(async () => {
  await h?.close()
  rmSync(dir, { recursive: true, force: true })
})

const api = async (method: string, path: string, token: string, body?: unknown) => {
  const res = await fetch(`${h.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: JSON.parse(text) as Record<string, any> }
}

it('an approved held call cannot be started or reported through the API, by its agent or an admin; the gateway still can', async () => {
  const gate = host.gateFor(A1)
  const a = await gate.submit({ agent_id: 'a1', tool: 'mcp:files', operation: 'write_file', params: { path: 'x' }, context: { mcp: { server: 'files' } } }, 'held-1')
  expect(a.status).toBe('pending_approval')
  expect((await api('POST', `/v1/actions/${a.id}/approval`, TOKENS.approver, { approve: true })).body.status).toBe('approved')
  for (const token of [TOKENS.a1, TOKENS.admin]) {
    const start = await api('POST', `/v1/actions/${a.id}/start`, token, {})
    expect(start.status).toBe(409)
    expect(start.body.detail).toMatch(/held by the gateway/)
    const forged = await api('POST', `/v1/actions/${a.id}/result`, token, { success: true, result: { forged: true } })
    expect(forged.status).toBe(409)
  }
  expect((await api('GET', `/v1/actions/${a.id}`, TOKENS.admin)).body).toMatchObject({ status: 'approved', result: null })
  // The holder goes on as before.
  expect(await gate.start(a.id)).toBe('started')
  await gate.report(a.id, { success: true, result: { mcp: { bytes: 2, sha256: 'ab' } } })
  expect((await api('GET', `/v1/actions/${a.id}`, TOKENS.admin)).body).toMatchObject({ status: 'succeeded', result: { mcp: { bytes: 2 } } })
})

it('actions without a holder (the wrapper\'s, any HTTP submit) are started and reported through the API as before', async () => {
  for (const tool of ['mcp:files', 'files']) {
    const sub = await api('POST', '/v1/actions', TOKENS.a1, { agent_id: 'a1', tool, operation: 'write_file', params: { path: 'y' } })
    expect(sub.body.status).toBe('pending_approval')
    await api('POST', `/v1/actions/${sub.body.id}/approval`, TOKENS.approver, { approve: true })
    expect((await api('POST', `/v1/actions/${sub.body.id}/start`, TOKENS.a1, {})).status).toBe(200)
    expect((await api('POST', `/v1/actions/${sub.body.id}/result`, TOKENS.a1, { success: true })).body.status).toBe('succeeded')
  }
})
