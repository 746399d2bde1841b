import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { effectiveEnv, parseDotEnv, resolveTarget } from './config.js'

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
