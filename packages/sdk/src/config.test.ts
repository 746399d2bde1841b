import { afterEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from './config.js'

afterEach(() => vi.unstubAllEnvs())

describe('resolveConfig', () => {
  it('uses defaults when nothing is set', () => {
    for (const k of ['FARAMESH_BASE_URL', 'FARA_API_BASE', 'FARAMESH_TOKEN', 'FARA_AUTH_TOKEN', 'FARAMESH_AGENT_ID', 'FARAMESH_FAIL_MODE'])
      vi.stubEnv(k, '')
    const c = resolveConfig()
    expect(c).toMatchObject({ baseUrl: 'http://127.0.0.1:8000', agentId: 'default-agent', timeoutMs: 30000, maxRetries: 3, failMode: 'failClosed', throwOnDeny: true })
    expect(c.token).toBeUndefined()
  })

  it('reads FARAMESH_* over the legacy names', () => {
    vi.stubEnv('FARAMESH_BASE_URL', 'http://gw:9000/')
    vi.stubEnv('FARA_API_BASE', 'http://legacy:1')
    vi.stubEnv('FARAMESH_TOKEN', 'new')
    vi.stubEnv('FARA_AUTH_TOKEN', 'old')
    vi.stubEnv('FARAMESH_FAIL_MODE', 'failOpen')
    vi.stubEnv('FARAMESH_RETRIES', '5')
    expect(resolveConfig()).toMatchObject({ baseUrl: 'http://gw:9000', token: 'new', failMode: 'failOpen', maxRetries: 5 })
  })

  it('falls back to the legacy names', () => {
    vi.stubEnv('FARAMESH_BASE_URL', '')
    vi.stubEnv('FARAMESH_TOKEN', '')
    vi.stubEnv('FARA_API_BASE', 'http://legacy:1')
    vi.stubEnv('FARA_AUTH_TOKEN', 'old')
    expect(resolveConfig()).toMatchObject({ baseUrl: 'http://legacy:1', token: 'old' })
  })

  it('lets arguments win over the environment and ignores junk numbers', () => {
    vi.stubEnv('FARAMESH_BASE_URL', 'http://env:1')
    vi.stubEnv('FARAMESH_RETRIES', 'lots')
    const c = resolveConfig({ baseUrl: 'http://arg:2', agent_id: 'snake' } as never)
    expect(c).toMatchObject({ baseUrl: 'http://arg:2', agentId: 'snake', maxRetries: 3 })
  })
})
