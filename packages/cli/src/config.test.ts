import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findWorkspaceRoot, loadConfig } from '@faramesh/server/config'
import { effectiveEnv, parseDotEnv, profilePath, resolveTarget, tokensPath, trustsRoot } from './config.js'

describe('parseDotEnv', () => {
  it('reads KEY=value lines with quotes, comments and export', () => {
    expect(parseDotEnv('# c\nA=1\nexport B="two words"\nC=\'x#y\'\nD=3 # note\n\nnot a line\n')).toEqual({ A: '1', B: 'two words', C: 'x#y', D: '3' })
  })
})

describe('resolveTarget', () => {
  it('defaults to the server defaults', () => {
    expect(resolveTarget({}, {})).toEqual({ baseUrl: 'http://127.0.0.1:8000', token: undefined })
  })

  it('prefers flags over FARAMESH_* over legacy FARA_* names', () => {
    const env = { FARAMESH_PORT: '9000', FARA_API_PORT: '7000', FARA_API_HOST: 'gw.local', FARA_AUTH_TOKEN: 'old', FARAMESH_TOKEN: 'new' }
    expect(resolveTarget({}, env)).toEqual({ baseUrl: 'http://gw.local:9000', token: 'new' })
    expect(resolveTarget({ host: 'h', port: 1, token: 't' }, env)).toEqual({ baseUrl: 'http://h:1', token: 't' })
  })

  it('connects to loopback when the server binds every address', () => {
    expect(resolveTarget({ host: '0.0.0.0' }, {}).baseUrl).toBe('http://127.0.0.1:8000')
    expect(resolveTarget({ host: '::1', port: 9 }, {}).baseUrl).toBe('http://[::1]:9')
  })

  it('uses FARAMESH_BASE_URL unless host or port flags are given', () => {
    expect(resolveTarget({}, { FARAMESH_BASE_URL: 'https://gw.example/' }).baseUrl).toBe('https://gw.example')
    expect(resolveTarget({ port: 1 }, { FARAMESH_BASE_URL: 'https://gw.example' }).baseUrl).toBe('http://127.0.0.1:1')
  })
})

describe('effectiveEnv', () => {
  it('reads .env from the folder, real variables winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-env-'))
    writeFileSync(join(dir, '.env'), 'FARAMESH_PORT=1234\nFARAMESH_HOST=from-file\n')
    const env = effectiveEnv({ FARAMESH_HOST: 'from-env' }, dir)
    expect(resolveTarget({}, env).baseUrl).toBe('http://from-env:1234')
  })
})

// The CLI used to parse .env and resolve paths on its own, with different results from the gateway started in the
// same folder. Each case below is one of those differences; the CLI now reads through the gateway's resolver.
describe('the CLI reads configuration exactly as the gateway does', () => {
  /** A pnpm workspace with a policy at its root and an app folder without one (like apps/server). */
  function workspace(rootEnv: string, appEnv?: string): { root: string; app: string } {
    const root = mkdtempSync(join(tmpdir(), 'faramesh-ws-'))
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n')
    mkdirSync(join(root, 'policies'))
    writeFileSync(join(root, 'policies', 'default.yaml'), 'rules: []\n')
    writeFileSync(join(root, '.env'), rootEnv)
    const app = join(root, 'apps', 'server')
    mkdirSync(app, { recursive: true })
    if (appEnv !== undefined) writeFileSync(join(app, '.env'), appEnv)
    return { root, app }
  }

  it('reads .env at its own workspace root under the folder\'s own .env, and never a foreign workspace\'s', () => {
    // Its own workspace (this checkout): the root .env counts, as for the gateway started there.
    expect(trustsRoot(findWorkspaceRoot(import.meta.dirname)!)).toBe(true)
    // A workspace someone else ships, whose root .env names their host: the gateway started there reads it (its
    // operator's file), but the CLI, which would carry the user's token there, does not.
    const { app, root } = workspace('FARAMESH_PORT=1111\nFARAMESH_BASE_URL=http://attacker.example:47123\nFARAMESH_TOKENS_FILE=/tmp/theirs.json\n', 'FARAMESH_HOST=app-host\n')
    expect(trustsRoot(root)).toBe(false)
    expect(resolveTarget({ token: 't' }, effectiveEnv({}, app))).toEqual({ baseUrl: 'http://app-host:8000', token: 't' })
    expect(tokensPath({}, app)).toBe(join(root, 'data', 'tokens.json'))
    expect(loadConfig({}, app)).toMatchObject({ host: 'app-host', port: 1111 })
  })

  it('parses .env with the gateway\'s syntax: # after a value, a comment after quotes, escapes, KEY: value', () => {
    const { root } = workspace('FARAMESH_TOKEN=abc#def\nFARAMESH_HOST="gw.local" # prod\nFARA_AUTH_TOKEN="a\\nb"\nFARAMESH_PORT: 9001\n')
    const env = effectiveEnv({}, root)
    // Before: token "abc#def", host "\"gw.local\"" (quotes kept), FARA_AUTH_TOKEN "a\\nb", FARAMESH_PORT unset (8000).
    expect(env).toMatchObject({ FARAMESH_TOKEN: 'abc', FARAMESH_HOST: 'gw.local', FARA_AUTH_TOKEN: 'a\nb', FARAMESH_PORT: '9001' })
    expect(resolveTarget({}, env)).toEqual({ baseUrl: 'http://gw.local:9001', token: 'abc' })
    expect(loadConfig({}, root)).toMatchObject({ host: 'gw.local', port: 9001, token: 'abc' })
  })

  it('resolves the tokens file and the profile where the gateway does (the workspace root, not the folder)', () => {
    const { root, app } = workspace('')
    mkdirSync(join(root, 'profiles'))
    writeFileSync(join(root, 'profiles', 'default.yaml'), 'id: p\nversion: 1\n')
    const config = loadConfig({}, app)
    expect(config.baseDir).toBe(root)
    // Before: <app>/data/tokens.json (not the file the gateway follows) and no profile at all.
    expect(tokensPath({}, app)).toBe(join(root, 'data', 'tokens.json'))
    expect(tokensPath({}, app)).toBe(config.tokensFile)
    expect(profilePath({}, app)).toBe(config.profilePath)
    expect(tokensPath({ FARAMESH_TOKENS_FILE: 'etc/t.json' }, app)).toBe(loadConfig({ FARAMESH_TOKENS_FILE: 'etc/t.json' }, app).tokensFile)
    expect(profilePath({ FARA_PROFILE_FILE: 'p.yaml' }, app)).toBe(join(root, 'p.yaml'))
  })

  it('refuses an invalid FARAMESH_PORT as the gateway does (the CLI connected to port NaN)', () => {
    for (const port of ['abc', '70000', '-1']) {
      expect(() => resolveTarget({}, { FARAMESH_PORT: port })).toThrow(expect.objectContaining({ name: 'ApiError', code: 'CONFIG_INVALID', where: 'FARAMESH_PORT' }))
      expect(() => loadConfig({ FARAMESH_PORT: port }, tmpdir())).toThrow(/^FARAMESH_PORT: /)
    }
    expect(resolveTarget({ port: 9 }, { FARAMESH_PORT: 'abc' }).baseUrl).toBe('http://127.0.0.1:9')
  })
})
