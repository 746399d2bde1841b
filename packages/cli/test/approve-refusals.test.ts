// `approve`/`deny` when the gateway must refuse: an action that is no longer pending (say what it is now), and a
// caller whose role may not approve (the gateway's 403, not a failed id lookup). A real gateway with scoped tokens.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Action } from '@faramesh/policy-core'
import { hashToken, serializeTokensFile } from '@faramesh/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, json, startTestGateway, tempDir, type TestGateway } from './helpers.js'

const TOKENS = { admin: 'fm_admin-token-for-refusal-tests', approver: 'fm_approver-token-for-refusal-tests', a: 'fm_agent-a-token', b: 'fm_agent-b-token' }
let gw: TestGateway
let allowed: Action
let pendingOfA: Action
let pendingOfB: Action

beforeAll(async () => {
  // The tokens file exists before the gateway starts, as `faramesh token create` would have left it.
  const tokensFile = join(tempDir(), 'tokens.json')
  const entry = (name: string, role: 'admin' | 'approver' | 'agent', token: string) => ({ name, role, sha256: hashToken(token) })
  writeFileSync(
    tokensFile,
    serializeTokensFile({
      version: 1,
      tokens: [entry('root', 'admin', TOKENS.admin), entry('alice', 'approver', TOKENS.approver), entry('agent-a', 'agent', TOKENS.a), entry('agent-b', 'agent', TOKENS.b)],
    }),
  )
  gw = await startTestGateway({ env: { FARAMESH_TOKENS_FILE: tokensFile } })
  // Each agent submits as itself (an agent token acts for the agent of its name).
  allowed = await gw.submit({ agent_id: 'agent-a', tool: 'http', operation: 'get', params: { url: 'https://example.com' } }, TOKENS.a)
  pendingOfA = await gw.submit({ agent_id: 'agent-a', tool: 'shell', operation: 'run', params: { cmd: 'ls' } }, TOKENS.a)
  pendingOfB = await gw.submit({ agent_id: 'agent-b', tool: 'shell', operation: 'run', params: { cmd: 'uptime' } }, TOKENS.b)
})

afterAll(async () => {
  await gw?.close()
})

const run = (args: string[], token: string) => cli(args, { env: { ...gw.env, FARAMESH_TOKEN: token } })
const short = (a: Action) => a.id.slice(0, 8)

describe('approve/deny on an action that is not pending approval', () => {
  it('says the status it has now, with exit 6, by prefix and by full id', async () => {
    for (const id of [short(allowed), allowed.id]) {
      for (const verb of ['approve', 'deny']) {
        const r = await run([verb, id], TOKENS.approver)
        expect({ verb, id, code: r.code, stderr: r.stderr }).toEqual({
          verb,
          id,
          code: 6,
          stderr: `Error: Action ${short(allowed)} is not pending approval: its status is allowed\n`,
        })
      }
    }
  })

  it('after a decision, names that decision; --json carries the id and status', async () => {
    const a = await gw.submit({ agent_id: 'agent-a', tool: 'shell', operation: 'run', params: { cmd: 'whoami' } }, TOKENS.a)
    expect((await run(['deny', short(a), '--reason', 'no'], TOKENS.approver)).code).toBe(0)
    const again = await run(['approve', a.id], TOKENS.admin)
    expect(again.code).toBe(6)
    expect(again.stderr).toBe(`Error: Action ${short(a)} is not pending approval: its status is denied\n`)
    const j = await run(['approve', short(a), '--json'], TOKENS.admin)
    expect(j.code).toBe(6)
    expect(json<{ error: unknown }>(j).error).toEqual({
      code: 'CONFLICT',
      exit_code: 6,
      message: `Action ${short(a)} is not pending approval: its status is denied`,
      details: { id: a.id, status: 'denied' },
    })
  })

  it('the gateway itself still answers 409 with the original wording', async () => {
    const res = await fetch(`${gw.url}/v1/actions/${allowed.id}/approval`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.approver}`, 'content-type': 'application/json' },
      body: JSON.stringify({ approve: true }),
    })
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({ detail: 'Action is not in pending_approval status' })
  })
})

describe('approve/deny by a caller whose role may not approve', () => {
  it("an agent approving another agent's action hears the gateway's 403 (exit 5), by prefix and by full id", async () => {
    for (const id of [short(pendingOfB), pendingOfB.id]) {
      for (const verb of ['approve', 'deny']) {
        const r = await run([verb, id], TOKENS.a)
        expect({ verb, id, code: r.code, stderr: r.stderr }).toEqual({ verb, id, code: 5, stderr: expect.stringMatching(/^Error: Role agent may not approve\b/) })
      }
    }
    // Nothing changed.
    expect(json<Action>(await run(['get', pendingOfB.id, '--json'], TOKENS.approver)).status).toBe('pending_approval')
  })

  it('an agent approving its own action hears the same 403', async () => {
    const r = await run(['approve', short(pendingOfA)], TOKENS.a)
    expect(r.code).toBe(5)
    expect(r.stderr).toMatch(/^Error: Role agent may not approve\b/)
  })

  it('the gateway answers an agent 403 with the role in the detail', async () => {
    const res = await fetch(`${gw.url}/v1/actions/${pendingOfB.id}/approval`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.a}`, 'content-type': 'application/json' },
      body: JSON.stringify({ approve: true }),
    })
    expect(res.status).toBe(403)
    expect(await res.json()).toEqual({ detail: 'Role agent may not approve' })
  })
})

describe('an id prefix the caller cannot see', () => {
  it("says the agent's listing holds only its own actions, and to pass the full id", async () => {
    const r = await run(['get', short(pendingOfB)], TOKENS.a)
    expect(r.code).toBe(3)
    expect(r.stderr).toBe(
      `Error: No action id starts with "${short(pendingOfB)}" among the actions role agent can read (only the ones it submitted)\nPass the full action id.\n`,
    )
    // With the full id the gateway answers for itself.
    const full = await run(['get', pendingOfB.id], TOKENS.a)
    expect(full.code).toBe(5)
    expect(full.stderr).toMatch(/^Error: Not your action\b/)
  })

  it('for a caller who reads everything, no match is plain not found', async () => {
    for (const verb of ['get', 'approve']) {
      const r = await run([verb, 'fffffff0'], TOKENS.approver)
      expect(r.code).toBe(3)
      expect(r.stderr).toBe('Error: No action id starts with "fffffff0"\n')
    }
  })
})
