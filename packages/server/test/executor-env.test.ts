// Item: an approved command must not read the gateway's secrets. A real gateway process whose environment holds an
// admin token, two DSNs and a key path runs an approved `env`: the stored result (and its events) hold none of them,
// only PATH, HOME, LANG, TZ and what the operator listed in FARAMESH_EXECUTOR_ENV. Listing a secret refuses to start.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './helpers.js'
import { forkGateway, forkGatewayExpectingExit, type ForkedGateway } from './forked-gateway.js'

const ADMIN = 'adm-7c1f0e52-admin-token-value'
const PG_SECRET = 'pg-dsn-password-91d2'
const URL_SECRET = 'database-url-password-4be8'
const SECRETS = {
  FARAMESH_TOKEN: ADMIN,
  FARA_POSTGRES_DSN: `postgres://fara:${PG_SECRET}@127.0.0.1:1/faramesh`,
  DATABASE_URL: `postgres://app:${URL_SECRET}@127.0.0.1:1/app`,
  FARAMESH_SIGNING_KEY_FILE: 'keys/ledger-signing-key.pem',
  FARAMESH_SOME_SETTING: 'gateway-only-setting-3a9',
}

let dir: string
let gw: ForkedGateway | null = null

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-exec-env-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: shell, op: "*" }\n    require_approval: true\n')
})
afterAll(async () => {
  await gw?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const api = async (method: string, path: string, body?: unknown): Promise<any> => {
  const res = await fetch(`${gw!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

describe('the environment of an approved command', () => {
  it('holds no token, DSN, key path or FARAMESH_* setting, and does hold what the operator allowed', async () => {
    gw = await forkGateway(dir, { ...SECRETS, FARAMESH_EXECUTOR_ENV: 'OPERATOR_ALLOWED, LANG', OPERATOR_ALLOWED: 'allowed-value-5d1', NOT_LISTED: 'not-listed-value-0c7' })
    const a = await api('POST', '/v1/actions', { agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'env' } })
    expect(a.status).toBe('pending_approval')
    await api('POST', `/v1/actions/${a.id}/approval`, { token: a.approval_token, approve: true })
    await api('POST', `/v1/actions/${a.id}/start`)
    const done = await eventually(async () => {
      const x = await api('GET', `/v1/actions/${a.id}`)
      return x.status === 'succeeded' || x.status === 'failed' ? x : null
    })
    expect(done.status).toBe('succeeded')
    const stdout: string = done.result.stdout
    expect(stdout).toContain('OPERATOR_ALLOWED=allowed-value-5d1\n')
    expect(stdout).toMatch(/^PATH=/m)
    const stored = JSON.stringify([done, await api('GET', `/v1/actions/${a.id}/events`)])
    for (const leak of [ADMIN, PG_SECRET, URL_SECRET, 'ledger-signing-key', 'gateway-only-setting', 'not-listed-value']) {
      expect(stored).not.toContain(leak)
    }
    expect(stdout).not.toMatch(/^FARA/m)
    // Nothing but the base names, the listed ones and what /bin/sh itself sets.
    const names = stdout.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf('=')))
    const allowed = new Set(['PATH', 'HOME', 'LANG', 'TZ', 'OPERATOR_ALLOWED', 'PWD', 'OLDPWD', 'SHLVL', '_'])
    expect(names.filter((n) => !allowed.has(n))).toEqual([])
  })

  it.each([
    ['FARA_POSTGRES_DSN', {}, /FARA_POSTGRES_DSN is one of the gateway's own settings/],
    ['DATABASE_URL', {}, /DATABASE_URL names a database connection string/],
    ['APP_SIGNING_KEY_FILE', { APP_SIGNING_KEY_FILE: '/etc/key.pem' }, /APP_SIGNING_KEY_FILE names a key or a key path/],
    ['REPORT_DB', { REPORT_DB: 'postgres://r:hunter2@db/reports' }, /REPORT_DB holds a URL with a password/],
    ['COPY_OF_TOKEN', { COPY_OF_TOKEN: ADMIN }, /COPY_OF_TOKEN holds one of the gateway's secrets/],
  ])('refuses to start when FARAMESH_EXECUTOR_ENV lists %s, naming it', async (name, extra, message) => {
    const out = await forkGatewayExpectingExit(dir, { ...SECRETS, ...extra, FARAMESH_EXECUTOR_ENV: `OPERATOR_ALLOWED,${name}` })
    expect(out.code).not.toBe(0)
    expect(out.code).not.toBeNull()
    expect(out.stderr).toMatch(/FARAMESH_EXECUTOR_ENV: /)
    expect(out.stderr).toMatch(message)
  })
})
