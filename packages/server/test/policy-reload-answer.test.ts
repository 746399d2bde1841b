// POST /v1/policy/reload reloads the policy and the profile. When the policy loaded but the profile did not, the new
// policy is in force; the answer said "Policy reload failed, previous policy kept" all the same (and the log said so
// too), so an operator who had just pushed a policy was told it was not in force.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { createLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'

const ALLOW_HTTP = 'rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n'
const DENY_HTTP = 'rules:\n  - match: { tool: http, op: "*" }\n    deny: true\n    description: http denied\n'
const PROFILE = 'id: open\nversion: "1"\nallowed_tools: [shell, http]\n'

let dir: string
let gw: GatewayHandle
let logs: string[]
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-reload-'))
  mkdirSync(join(dir, 'policies'))
  mkdirSync(join(dir, 'profiles'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), ALLOW_HTTP)
  writeFileSync(join(dir, 'profiles', 'default.yaml'), PROFILE)
  logs = []
  gw = await startGateway(loadConfig({ FARAMESH_PORT: '0' }, dir), { logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }) })
})
afterEach(async () => {
  await gw.close()
  rmSync(dir, { recursive: true, force: true })
})

const decision = async () =>
  ((await (await fetch(`${gw.url}/v1/gate/decide`, { method: 'POST', body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }) })).json()) as { decision: string })
    .decision

it('a reload where only the profile fails says so, and that the new policy is in force', async () => {
  expect(await decision()).toBe('allow')
  writeFileSync(join(dir, 'policies', 'default.yaml'), DENY_HTTP)
  writeFileSync(join(dir, 'profiles', 'default.yaml'), 'id: [broken\n')
  const r = await fetch(`${gw.url}/v1/policy/reload`, { method: 'POST' })
  expect(r.status).toBe(422)
  const { detail } = (await r.json()) as { detail: string }
  expect(await decision()).toBe('deny') // the new policy is in force
  expect(detail).toMatch(/^Profile reload failed, previous profile kept: .*profiles\/default\.yaml/s)
  expect(detail).toMatch(/the policy file was reloaded/)
  expect(detail).not.toMatch(/previous policy kept/)
  expect(logs.some((l) => l.includes('profile reload failed, previous profile kept'))).toBe(true)
  expect(logs.some((l) => l.includes('policy reload failed'))).toBe(false)
})

it('a reload where the policy fails keeps the previous policy, as before', async () => {
  writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules: [')
  const r = await fetch(`${gw.url}/v1/policy/reload`, { method: 'POST' })
  expect(r.status).toBe(422)
  expect(((await r.json()) as { detail: string }).detail).toMatch(/^Policy reload failed, previous policy kept: /)
  expect(await decision()).toBe('allow')
})
