import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { assertSafeBinding, loadConfig, parseCheckpointEvery, parseDuration } from './config.js'

const tmp = () => mkdtempSync(join(tmpdir(), 'faramesh-cfg-'))

describe('loadConfig', () => {
  it('uses the seed defaults', () => {
    const dir = tmp()
    const c = loadConfig({}, dir)
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8000,
      token: null,
      enableCors: true,
      demo: false,
      hotReload: false,
      policyFile: 'policies/default.yaml',
      policyPath: join(dir, 'policies/default.yaml'),
      dbBackend: 'sqlite',
      sqlitePath: join(dir, 'data/actions.db'),
      approvalTtlMs: 24 * 3600 * 1000,
      actionTimeoutSec: 300,
      executors: ['shell'],
    })
  })

  it('FARAMESH_MCP_SERVERS resolves like the other paths, also from .env; FARAMESH_PUBLIC_URL must be an http(s) URL', () => {
    const dir = tmp()
    expect(loadConfig({}, dir)).toMatchObject({ mcpServersPath: null, publicUrl: null })
    expect(loadConfig({ FARAMESH_MCP_SERVERS: 'mcp/servers.yaml' }, dir).mcpServersPath).toBe(join(dir, 'mcp/servers.yaml'))
    expect(loadConfig({ FARAMESH_MCP_SERVERS: '/etc/faramesh/mcp.yaml' }, dir).mcpServersPath).toBe('/etc/faramesh/mcp.yaml')
    writeFileSync(join(dir, '.env'), 'FARAMESH_MCP_SERVERS=from-dotenv.yaml\nFARAMESH_PUBLIC_URL=https://gw.example.com/faramesh/\n')
    expect(loadConfig({}, dir)).toMatchObject({ mcpServersPath: join(dir, 'from-dotenv.yaml'), publicUrl: 'https://gw.example.com/faramesh' })
    expect(loadConfig({ FARAMESH_MCP_SERVERS: 'env.yaml' }, dir).mcpServersPath).toBe(join(dir, 'env.yaml'))
    for (const bad of ['gw.example.com', 'ftp://x', 'https://u:p@x', 'https://x/?a=1']) {
      expect(() => loadConfig({ FARAMESH_PUBLIC_URL: bad }, tmp())).toThrow(/FARAMESH_PUBLIC_URL/)
    }
  })

  it('FARAMESH_MCP_START_GRACE: 60 s by default, a duration from 5 s to 24 h', () => {
    expect(loadConfig({}, tmp()).mcpStartGraceMs).toBe(60_000)
    expect(loadConfig({ FARAMESH_MCP_START_GRACE: '90s' }, tmp()).mcpStartGraceMs).toBe(90_000)
    expect(loadConfig({ FARAMESH_MCP_START_GRACE: '5' }, tmp()).mcpStartGraceMs).toBe(5000)
    expect(loadConfig({ FARAMESH_MCP_START_GRACE: '2m' }, tmp()).mcpStartGraceMs).toBe(120_000)
    for (const bad of ['4s', '0', 'soon', '25h', '-5s']) {
      expect(() => loadConfig({ FARAMESH_MCP_START_GRACE: bad }, tmp())).toThrow(/FARAMESH_MCP_START_GRACE/)
    }
  })

  it('prefers FARAMESH_* over the legacy FARA_* names', () => {
    const c = loadConfig(
      { FARAMESH_HOST: '10.0.0.1', FARA_API_HOST: '10.0.0.2', FARAMESH_PORT: '9000', FARA_API_PORT: '9001', FARAMESH_TOKEN: 'new', FARA_AUTH_TOKEN: 'old' },
      tmp(),
    )
    expect(c).toMatchObject({ host: '10.0.0.1', port: 9000, token: 'new' })
    expect(loadConfig({ FARA_API_HOST: '10.0.0.2', FARA_API_PORT: '9001', FARA_AUTH_TOKEN: 'old' }, tmp())).toMatchObject({
      host: '10.0.0.2',
      port: 9001,
      token: 'old',
    })
  })

  it('reads .env in the working directory; real environment variables win', () => {
    const dir = tmp()
    writeFileSync(join(dir, '.env'), 'FARAMESH_PORT=7000\nFARAMESH_TOKEN=from-file\nFARAMESH_DEMO=1\n')
    expect(loadConfig({ FARAMESH_TOKEN: 'from-env' }, dir)).toMatchObject({ port: 7000, token: 'from-env', demo: true })
  })

  it('names the variable of an invalid value', () => {
    expect(() => loadConfig({ FARAMESH_PORT: 'eighty' }, tmp())).toThrow(/FARAMESH_PORT/)
    expect(() => loadConfig({ FARA_DB_BACKEND: 'mysql' }, tmp())).toThrow(/FARA_DB_BACKEND/)
    expect(() => loadConfig({ FARA_DB_BACKEND: 'postgres' }, tmp())).toThrow(/FARA_POSTGRES_DSN/)
    expect(() => loadConfig({ FARAMESH_ENABLE_CORS: 'maybe' }, tmp())).toThrow(/FARAMESH_ENABLE_CORS/)
    expect(() => loadConfig({ FARAMESH_EXECUTORS: 'docker' }, tmp())).toThrow(/FARAMESH_EXECUTORS/)
    expect(() => loadConfig({ FARAMESH_APPROVAL_TTL: 'soon' }, tmp())).toThrow(/FARAMESH_APPROVAL_TTL/)
  })

  it('reads FARAMESH_CHECKPOINT_EVERY as a count of events and/or a duration, each defaulting on its own', () => {
    expect(loadConfig({}, tmp()).checkpointEvery).toEqual({ events: 1000, intervalMs: 60_000 })
    expect(loadConfig({ FARAMESH_CHECKPOINT_EVERY: '250, 5m' }, tmp()).checkpointEvery).toEqual({ events: 250, intervalMs: 300_000 })
    expect(parseCheckpointEvery('30s')).toEqual({ events: 1000, intervalMs: 30_000 })
    expect(parseCheckpointEvery('2500ms,10')).toEqual({ events: 10, intervalMs: 2500 })
    expect(parseCheckpointEvery('1h')).toEqual({ events: 1000, intervalMs: 3_600_000 })
    for (const bad of ['0', '60s,0', 'off', '1000,', '10,20', '5s,10s', '500ms', '25h', '1000000001', '-5', '1e3', '60 seconds']) {
      expect(() => loadConfig({ FARAMESH_CHECKPOINT_EVERY: bad }, tmp()), bad).toThrow(/^FARAMESH_CHECKPOINT_EVERY: /)
    }
  })

  it('uses data/tokens.json (where `faramesh token create` writes) when FARAMESH_TOKENS_FILE is unset', () => {
    const dir = tmp()
    expect(loadConfig({}, dir)).toMatchObject({ tokensFile: join(dir, 'data', 'tokens.json'), tokensFileRequired: false })
    expect(loadConfig({ FARAMESH_TOKENS_FILE: 'other.json' }, dir)).toMatchObject({ tokensFile: join(dir, 'other.json'), tokensFileRequired: true })
  })

  it('FARAMESH_EXECUTORS=none disables every executor', () => {
    expect(loadConfig({ FARAMESH_EXECUTORS: 'none' }, tmp()).executors).toEqual([])
  })

  it('gives commands PATH, HOME, LANG, TZ and the names in FARAMESH_EXECUTOR_ENV (also from .env), nothing else', () => {
    const dir = tmp()
    writeFileSync(join(dir, '.env'), 'FROM_DOTENV=dotenv-value\n')
    const env = { PATH: '/bin', HOME: '/home/g', TZ: 'UTC', FARAMESH_TOKEN: 't0ken', OTHER: 'x', FARAMESH_EXECUTOR_ENV: ' OPENAI_BASE, FROM_DOTENV,UNSET_ONE ', OPENAI_BASE: 'https://api.example' }
    expect(loadConfig(env, dir).executorEnv).toEqual({ PATH: '/bin', HOME: '/home/g', TZ: 'UTC', OPENAI_BASE: 'https://api.example', FROM_DOTENV: 'dotenv-value' })
    expect(loadConfig({}, dir).executorEnv).toEqual({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' })
  })

  it('refuses to start when FARAMESH_EXECUTOR_ENV would hand a command a secret, naming the variable', () => {
    const refuse = (env: Record<string, string>, why: RegExp) => {
      let err: unknown
      try {
        loadConfig(env, tmp())
      } catch (e) {
        err = e
      }
      expect(err).toMatchObject({ code: 'CONFIG_INVALID', where: 'FARAMESH_EXECUTOR_ENV' })
      expect((err as Error).message).toMatch(why)
    }
    for (const name of ['FARAMESH_TOKEN', 'FARA_AUTH_TOKEN', 'faramesh_tokens_file', 'FARA_POSTGRES_DSN', 'DATABASE_URL', 'REPLICA_DSN', 'PGPASSWORD', 'FARAMESH_SIGNING_KEY_FILE', 'TLS_KEY_PATH', 'SSH_PRIVATE_KEY']) {
      refuse({ FARAMESH_EXECUTOR_ENV: `SAFE,${name}` }, new RegExp(`^FARAMESH_EXECUTOR_ENV: ${name} `))
    }
    refuse({ FARAMESH_EXECUTOR_ENV: 'BAD-NAME' }, /BAD-NAME is not a variable name/)
    refuse({ FARAMESH_EXECUTOR_ENV: 'CACHE', CACHE: 'redis://:pw@cache:6379/0' }, /CACHE holds a URL with a password/)
    refuse({ FARAMESH_EXECUTOR_ENV: 'T', T: 'sekrit', FARAMESH_TOKEN: 'sekrit' }, /T holds one of the gateway's secrets/)
    refuse({ FARAMESH_EXECUTOR_ENV: 'K', K: '/keys/ledger.pem', FARAMESH_SIGNING_KEY_FILE: '/keys/ledger.pem' }, /K holds one of the gateway's secrets/)
    refuse({ FARAMESH_EXECUTOR_ENV: 'D', D: 'pg://h/db', FARA_POSTGRES_DSN: 'pg://h/db' }, /D holds one of the gateway's secrets/)
    expect(loadConfig({ FARAMESH_EXECUTOR_ENV: 'SSL_CERT_FILE,LC_ALL', SSL_CERT_FILE: '/etc/ssl/ca.pem', LC_ALL: 'C' }, tmp()).executorEnv).toMatchObject({ SSL_CERT_FILE: '/etc/ssl/ca.pem', LC_ALL: 'C' })
  })

  it('falls back to the workspace root for relative paths when the policy is not under cwd', () => {
    const root = tmp()
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n')
    mkdirSync(join(root, 'policies'))
    writeFileSync(join(root, 'policies', 'default.yaml'), 'rules: []\n')
    const sub = join(root, 'apps', 'server')
    mkdirSync(sub, { recursive: true })
    const c = loadConfig({}, sub)
    expect(c.policyPath).toBe(join(root, 'policies', 'default.yaml'))
    expect(c.sqlitePath).toBe(join(root, 'data', 'actions.db'))
  })

  it('parses durations', () => {
    expect(parseDuration('90', 'X', 0)).toBe(90_000)
    expect(parseDuration('30m', 'X', 0)).toBe(1_800_000)
    expect(parseDuration('24h', 'X', 0)).toBe(86_400_000)
    expect(parseDuration(undefined, 'X', 5)).toBe(5)
  })

  it('reads duration units in any case and refuses zero, other units, decimals and signs', () => {
    expect(parseDuration(' 30 M ', 'X', 0)).toBe(1_800_000)
    expect(parseDuration('7D', 'X', 0)).toBe(604_800_000)
    for (const bad of ['0', '0s', '2w', '500ms', '1.5h', '-3m', 'soon']) {
      expect(() => parseDuration(bad, 'FARAMESH_APPROVAL_TTL', 0), bad).toThrow(`FARAMESH_APPROVAL_TTL: expected a duration such as 3600, 30m, 24h, got ${JSON.stringify(bad)}`)
    }
    expect(parseCheckpointEvery('250, 2000MS')).toEqual({ events: 250, intervalMs: 2000 })
  })
})

describe('assertSafeBinding', () => {
  it('allows loopback without a token, refuses other addresses unless a token or the opt-out is set', () => {
    expect(() => assertSafeBinding(loadConfig({}, tmp()))).not.toThrow()
    expect(() => assertSafeBinding(loadConfig({ FARAMESH_HOST: '0.0.0.0' }, tmp()))).toThrow(/FARAMESH_ALLOW_UNAUTHENTICATED=1/)
    expect(() => assertSafeBinding(loadConfig({ FARAMESH_HOST: '0.0.0.0', FARAMESH_TOKEN: 't' }, tmp()))).not.toThrow()
    expect(() => assertSafeBinding(loadConfig({ FARAMESH_HOST: '0.0.0.0', FARAMESH_ALLOW_UNAUTHENTICATED: '1' }, tmp()))).not.toThrow()
  })
})
