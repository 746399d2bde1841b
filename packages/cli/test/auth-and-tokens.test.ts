// `faramesh token` writes the tokens file a real gateway reads; the tokens it prints then work (or stop working)
// against that gateway, and auth failures map to exit 5.
import { mkdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { Action } from '@faramesh/policy-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, json, startTestGateway, tempDir, type TestGateway } from './helpers.js'

let gw: TestGateway
let tokensFile: string
let pending: Action
const ADMIN = 'admin-secret-token'

beforeAll(async () => {
  const dir = tempDir()
  mkdirSync(join(dir, 'data'))
  tokensFile = join(dir, 'data', 'tokens.json')
  gw = await startTestGateway({ env: { FARAMESH_TOKEN: ADMIN, FARAMESH_TOKENS_FILE: tokensFile } })
  pending = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'id' } }, ADMIN)
})

afterAll(async () => {
  await gw?.close()
})

const run = (args: string[], env: Record<string, string> = {}) => cli(args, { env: { ...gw.env, ...env } })

describe('auth', () => {
  it('exits 5 without a token and works with --token or FARAMESH_TOKEN', async () => {
    const anonymous = await run(['list'])
    expect(anonymous.code).toBe(5)
    expect(anonymous.stderr).toContain('Unauthorized')
    expect(anonymous.stderr).toContain('--token')
    expect((await run(['--token', ADMIN, 'list'])).code).toBe(0)
    expect(json<Action[]>(await run(['list', '--json'], { FARAMESH_TOKEN: ADMIN })).map((a) => a.id)).toContain(pending.id)
  })

  it('curl never prints the token itself', async () => {
    const r = await run(['curl', pending.id, '--token', ADMIN])
    expect(r.stdout).toContain('-H "Authorization: Bearer $FARAMESH_TOKEN"')
    expect(r.stdout).not.toContain(ADMIN)
  })
})

describe('token create / list / revoke', () => {
  let alice = ''

  it('creates an approver token shown once, stores only its sha256, owner-only', async () => {
    const r = await cli(['token', 'create', '--role', 'approver', '--name', 'alice', '--file', tokensFile])
    expect(r.code).toBe(0)
    alice = /^\s+(fm_[A-Za-z0-9_-]{43})$/m.exec(r.stdout)?.[1] ?? ''
    expect(alice).not.toBe('')
    expect(r.stdout).toContain('Created approver token for alice')
    const text = readFileSync(tokensFile, 'utf8')
    expect(text).not.toContain(alice)
    const stored = JSON.parse(text) as { tokens: Array<{ name: string; role: string; sha256: string }> }
    expect(stored.tokens).toEqual([expect.objectContaining({ name: 'alice', role: 'approver', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })])
    expect(statSync(tokensFile).mode & 0o077).toBe(0)
  })

  it('refuses a second active token with the same name (exit 6)', async () => {
    const r = await cli(['token', 'create', '--role', 'admin', '--name', 'alice', '--file', tokensFile])
    expect(r.code).toBe(6)
    expect(r.stderr).toContain('token revoke alice')
  })

  it('the new token works against the gateway with its role: an approver approves, an agent may not', async () => {
    const agent = json<{ token: string; role: string }>(await cli(['token', 'create', '--role', 'agent', '--name', 'bot', '--file', tokensFile, '--json']))
    expect(agent.role).toBe('agent')
    // The gateway re-reads the file at most once a second.
    await new Promise((r) => setTimeout(r, 1100))
    const forbidden = await run(['approve', pending.id, '--token', agent.token])
    expect(forbidden.code).toBe(5)
    const ok = await run(['approve', pending.id.slice(0, 8), '--token', alice, '--reason', 'ok by alice'])
    expect(ok.code).toBe(0)
    const events = json<Array<{ event_type: string; meta: { by?: string } }>>(await run(['events', pending.id, '--json', '--token', alice]))
    expect(events.at(-1)).toMatchObject({ event_type: 'approved', meta: expect.objectContaining({ by: 'alice' }) })
  })

  it('lists tokens without secrets, and a revoked token stops working', async () => {
    const table = await cli(['token', 'list', '--file', tokensFile])
    expect(table.stdout).toMatch(/│ alice\s+│ approver\s+│ active\s+│/)
    expect(table.stdout).not.toContain(alice)
    const revoke = await cli(['token', 'revoke', 'alice', '--file', tokensFile, '--json'])
    expect(json<{ name: string; status: string; revoked_at: string }>(revoke)).toMatchObject({ name: 'alice', status: 'revoked', revoked_at: expect.any(String) })
    const listed = json<{ tokens: Array<{ name: string; status: string }> }>(await cli(['token', 'list', '--json', '--file', tokensFile]))
    expect(listed.tokens.map((t) => [t.name, t.status])).toEqual([
      ['alice', 'revoked'],
      ['bot', 'active'],
    ])
    await new Promise((r) => setTimeout(r, 1100))
    expect((await run(['list', '--token', alice])).code).toBe(5)
    expect((await cli(['token', 'revoke', 'alice', '--file', tokensFile])).code).toBe(3)
  })

  it('reports a malformed tokens file as a validation error (exit 7)', async () => {
    const r = await cli(['token', 'list', '--file', join(gw.dir, 'policy.yaml')])
    expect(r.code).toBe(7)
    expect(r.stderr).toMatch(/^Error: .*not valid JSON/m)
  })
})

describe('a gateway started without a tokens file', () => {
  it('turns auth on when `faramesh token create` writes data/tokens.json, without a restart', async () => {
    const open = await startTestGateway()
    try {
      const here = { cwd: open.dir, env: open.env }
      expect((await cli(['list'], here)).code).toBe(0) // open loopback mode
      const admin = json<{ token: string; file: string }>(await cli(['token', 'create', '--role', 'admin', '--name', 'root', '--json'], here))
      expect(admin.file).toBe(join(open.dir, 'data', 'tokens.json'))
      const agent = json<{ token: string; agent_id: string }>(
        await cli(['token', 'create', '--role', 'agent', '--name', 'billing-bot', '--agent', 'billing', '--json'], here),
      )
      expect(agent.agent_id).toBe('billing')
      // Both writes reach the gateway without a restart: anonymous calls are refused, the agent token is known.
      const deadline = Date.now() + 10_000
      const whoami = (token?: string) => fetch(`${open.url}/v1/auth/whoami`, token ? { headers: { authorization: `Bearer ${token}` } } : {})
      while ((await whoami()).status !== 401 || (await whoami(agent.token)).status !== 200) {
        if (Date.now() > deadline) throw new Error('the gateway did not pick up the new tokens file')
        await new Promise((r) => setTimeout(r, 50))
      }
      expect((await cli(['list', '--token', admin.token], here)).code).toBe(0)
      const submit = (agentId: string) =>
        fetch(`${open.url}/v1/actions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ agent_id: agentId, tool: 'http', operation: 'get', params: { url: 'https://example.com' } }),
        })
      expect((await submit('billing')).status).toBe(200)
      const spoofed = await submit('payments')
      expect(spoofed.status).toBe(403)
      expect(((await spoofed.json()) as { detail: string }).detail).toContain('acts for agent "billing"')
      const table = await cli(['token', 'list'], here)
      expect(table.stdout).toMatch(/│ billing-bot\s+│ agent\s+│ active\s+│ billing\s+│/)
    } finally {
      await open.close()
    }
  })

  it('refuses a name the gateway reserves for callers without a scoped token', async () => {
    const r = await cli(['token', 'create', '--role', 'admin', '--name', 'legacy-token'], { cwd: tempDir() })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--name legacy-token is reserved/)
  })

  it('refuses --agent on a token that is not an agent token', async () => {
    const dir = tempDir()
    const r = await cli(['token', 'create', '--role', 'approver', '--name', 'alice', '--agent', 'billing'], { cwd: dir })
    expect(r.code).not.toBe(0)
    expect(r.stderr).toMatch(/--agent is only for --role agent tokens/)
  })
})
