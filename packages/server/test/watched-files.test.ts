// The gateway follows its policy, profile and tokens files (issue: deleting or moving the policy file silently
// turned the gateway into deny-all). A missing, unreadable or invalid file is a failed reload: the last valid
// version stays in force, the failure is logged, counted and shown in /v1/policy/info, and the file is taken again
// when it comes back, even with the same bytes.
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { GatewayHandle } from '../src/node/start-gateway.js'
import { hashToken } from '../src/tokens-file.js'
import { gatewayFolder } from './gateway-folder.js'
import { eventually, metricValue } from './helpers.js'

const DENY_HTTP = 'rules:\n  - match: { tool: http, op: "*" }\n    deny: true\n    description: http denied\n'
const ALLOW_HTTP = 'rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n'
const PROFILE_NO_HTTP = 'id: strict\nversion: "1"\nallowed_tools: [shell]\n'

const f = gatewayFolder('faramesh-watch-', ALLOW_HTTP)
const start = f.start
const get = async (g: GatewayHandle, path: string, token?: string) =>
  (await fetch(`${g.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {})).json() as Promise<Record<string, unknown>>
const decision = async (g: GatewayHandle, token?: string) => {
  const res = await fetch(`${g.url}/v1/gate/decide`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }),
  })
  return ((await res.json()) as { decision?: string; reason_code?: string; detail?: string })
}
const failures = (g: GatewayHandle, name = 'faramesh_policy_reloads_total', token?: string) =>
  metricValue(g.url, name, { result: 'failure' }, token)
const successes = (g: GatewayHandle, name = 'faramesh_policy_reloads_total', token?: string) =>
  metricValue(g.url, name, { result: 'success' }, token)

describe('policy file', () => {
  it('a deleted policy is a failed reload: the last policy stays, and the same bytes coming back are taken', async () => {
    const policy = join(f.dir, 'policies', 'default.yaml')
    writeFileSync(policy, DENY_HTTP)
    const g = await start({ FARAMESH_HOT_RELOAD: '1' })
    expect((await decision(g)).decision).toBe('deny')
    rmSync(policy)
    await eventually(async () => (await failures(g)) === 1, 5000)
    expect(await decision(g)).toMatchObject({ decision: 'deny', reason_code: 'POLICY_DENY' }) // not DEFAULT_DENY_NO_MATCH
    expect(await get(g, '/v1/policy/info')).toMatchObject({ exists: false, reload_error: expect.stringContaining('not found') })
    expect(f.logs.some((l) => l.includes('policy reload failed') && l.includes('not found'))).toBe(true)
    expect(await successes(g)).toBe(0)

    writeFileSync(policy, DENY_HTTP) // identical bytes
    await eventually(async () => (await successes(g)) === 1, 5000)
    expect(await get(g, '/v1/policy/info')).toMatchObject({ exists: true, reload_error: null })
    expect(await failures(g)).toBe(1)
  })

  it('a policy moved away keeps the last one; an allow policy moved back takes over', async () => {
    const policy = join(f.dir, 'policies', 'default.yaml')
    const g = await start({ FARAMESH_HOT_RELOAD: '1' })
    renameSync(policy, join(f.dir, 'policies', 'old.yaml'))
    await eventually(async () => (await failures(g)) === 1, 5000)
    expect((await decision(g)).decision).toBe('allow')
    writeFileSync(join(f.dir, 'policies', 'next.yaml'), DENY_HTTP)
    renameSync(join(f.dir, 'policies', 'next.yaml'), policy)
    await eventually(async () => (await decision(g)).decision === 'deny', 5000)
  })

  it('a manual reload of a missing policy fails (422) and keeps the policy', async () => {
    const g = await start()
    rmSync(join(f.dir, 'policies', 'default.yaml'))
    const r = await fetch(`${g.url}/v1/policy/reload`, { method: 'POST' })
    expect(r.status).toBe(422)
    expect(((await r.json()) as { detail: string }).detail).toMatch(/previous policy kept.*not found/s)
    expect((await decision(g)).decision).toBe('allow')
  })

  it('with hot reload, a missing policy at start is an error, and nothing stays bound', async () => {
    const probe = createServer().listen(0, '127.0.0.1')
    await new Promise((r) => probe.once('listening', r))
    const port = (probe.address() as { port: number }).port
    await new Promise((r) => probe.close(r))
    rmSync(join(f.dir, 'policies', 'default.yaml'))
    await expect(start({ FARAMESH_HOT_RELOAD: '1', FARAMESH_PORT: String(port) })).rejects.toMatchObject({
      code: 'POLICY_INVALID',
      message: expect.stringMatching(/default\.yaml: file not found/),
    })
    f.gw = null
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow()
  })
})

describe('profile file', () => {
  it('a deleted profile keeps the last one in force; its return is taken', async () => {
    mkdirSync(join(f.dir, 'profiles'))
    const profile = join(f.dir, 'profiles', 'default.yaml')
    writeFileSync(profile, PROFILE_NO_HTTP)
    const g = await start({ FARAMESH_HOT_RELOAD: '1' })
    expect((await decision(g)).reason_code).toBe('PROFILE_DISALLOWS_TOOL')
    rmSync(profile)
    await eventually(async () => (await failures(g)) === 1, 5000)
    expect((await decision(g)).reason_code).toBe('PROFILE_DISALLOWS_TOOL')
    expect((await get(g, '/v1/policy/info')).reload_error).toMatch(/profiles\/default\.yaml.*not found/)
    writeFileSync(profile, 'id: open\nversion: "1"\nallowed_tools: [shell, http]\n')
    await eventually(async () => (await decision(g)).decision === 'allow', 5000)
  })
})

describe('tokens file', () => {
  const entry = (name: string, role: string, token: string, extra: object = {}) => ({ name, role, sha256: hashToken(token), ...extra })
  const write = (tokens: object[]) => writeFileSync(join(f.dir, 'tokens.json'), JSON.stringify({ version: 1, tokens }))

  it('a deleted or broken tokens file keeps the tokens in force (logged, counted); its return is taken', async () => {
    const text = JSON.stringify({ version: 1, tokens: [entry('root', 'admin', 'root-tok')] })
    writeFileSync(join(f.dir, 'tokens.json'), text)
    const g = await start({ FARAMESH_TOKENS_FILE: 'tokens.json' })
    const m = (kind: 'failure' | 'success') => metricValue(g.url, 'faramesh_tokens_reloads_total', { result: kind }, 'root-tok')
    rmSync(join(f.dir, 'tokens.json'))
    await eventually(async () => (await m('failure')) === 1, 5000)
    expect((await decision(g, 'root-tok')).decision).toBe('allow')
    expect((await fetch(`${g.url}/v1/actions`)).status).toBe(401) // auth stays on
    writeFileSync(join(f.dir, 'tokens.json'), '{"tokens": [{"name": "x"}]}')
    await eventually(async () => (await m('failure')) === 2, 5000)
    expect(f.logs.some((l) => l.includes('tokens file reload failed') && l.includes('tokens[0] (\\"x\\") has unknown role'))).toBe(true)
    writeFileSync(join(f.dir, 'tokens.json'), text)
    await eventually(async () => (await m('success')) === 1, 5000)
    expect((await decision(g, 'root-tok')).decision).toBe('allow')
  })

  it('a tokens file any user may write is refused: at start, and as a failed reload that keeps the tokens in force', async () => {
    const file = join(f.dir, 'tokens.json')
    write([entry('root', 'admin', 'root-tok')])
    chmodSync(file, 0o666)
    await expect(start({ FARAMESH_TOKENS_FILE: 'tokens.json' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('is writable by every user'),
    })
    f.gw = null
    chmodSync(file, 0o600)
    const g = await start({ FARAMESH_TOKENS_FILE: 'tokens.json' })
    const m = (kind: 'failure' | 'success') => metricValue(g.url, 'faramesh_tokens_reloads_total', { result: kind }, 'root-tok')
    // Another user of the machine, once the file is world-writable, gives itself an admin token.
    chmodSync(file, 0o666)
    writeFileSync(file, JSON.stringify({ version: 1, tokens: [entry('root', 'admin', 'root-tok'), entry('intruder', 'admin', 'intruder-tok')] }))
    await eventually(async () => (await m('failure')) === 1, 5000)
    expect(f.logs.some((l) => l.includes('tokens file reload failed') && l.includes('writable by every user'))).toBe(true)
    expect((await fetch(`${g.url}/v1/actions`, { headers: { authorization: 'Bearer intruder-tok' } })).status).toBe(401)
    expect((await fetch(`${g.url}/v1/actions`, { headers: { authorization: 'Bearer root-tok' } })).status).toBe(200)
  })

  it('an expiry that is not RFC 3339 refuses to start, naming the token and the field', async () => {
    write([entry('root', 'admin', 'root-tok'), entry('old-bot', 'agent', 'old-tok', { expires_at: 'Jan 1 2020' })])
    await expect(start({ FARAMESH_TOKENS_FILE: 'tokens.json' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('tokens[1] ("old-bot") expires_at "Jan 1 2020" is not an RFC 3339 timestamp'),
    })
    f.gw = null
  })

  it('expiry is compared as an instant, whatever the offset it is written with', async () => {
    // An hour ago, written at UTC+14: as text it sorts after "now" in UTC, as an instant it is past.
    const at14 = (ms: number) => new Date(ms + 14 * 3600_000).toISOString().replace('Z', '+14:00')
    write([
      entry('past', 'admin', 'past-tok', { expires_at: at14(Date.now() - 3600_000) }),
      entry('old', 'admin', 'old-tok', { expires_at: '2020-01-01T00:00:00Z' }),
      entry('soon', 'admin', 'soon-tok', { expires_at: at14(Date.now() + 3600_000) }),
    ])
    const g = await start({ FARAMESH_TOKENS_FILE: 'tokens.json' })
    const status = async (token: string) => (await fetch(`${g.url}/v1/actions`, { headers: { authorization: `Bearer ${token}` } })).status
    expect(await status('past-tok')).toBe(401)
    expect(await status('old-tok')).toBe(401)
    expect(await status('soon-tok')).toBe(200)
  })
})
