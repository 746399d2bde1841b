// The gateway's policy, profile and tokens files share one watcher: an edit of one reads and parses that one file
// (once, however many of its events and polls see it) and leaves the others unread, also when all three live in
// one directory. Reads are counted on node:fs itself (readFileSync is what every watched file reads with).
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'
import { hashToken } from '../src/tokens-file.js'
import { eventually, metricValue } from './helpers.js'

const ALLOW_HTTP = 'rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n'
const DENY_HTTP = 'rules:\n  - match: { tool: http, op: "*" }\n    deny: true\n'
const PROFILE = 'id: open\nversion: "1"\nallowed_tools: [shell, http]\n'
const tokens = (...entries: Array<[string, string]>) =>
  JSON.stringify({ version: 1, tokens: entries.map(([name, tok]) => ({ name, role: 'admin', sha256: hashToken(tok) })) })

let dir: string
let gw: GatewayHandle | null = null
let logs: string[] = []
let reads: string[] = []
let original: typeof fs.readFileSync
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-files-'))
  mkdirSync(join(dir, 'conf'))
  writeFileSync(join(dir, 'conf', 'policy.yaml'), ALLOW_HTTP)
  writeFileSync(join(dir, 'conf', 'profile.yaml'), PROFILE)
  writeFileSync(join(dir, 'conf', 'tokens.json'), tokens(['root', 'root-tok']), { mode: 0o600 })
  logs = []
  reads = []
  original = fs.readFileSync
  fs.readFileSync = function (this: unknown, ...args: Parameters<typeof original>) {
    reads.push(String(args[0]))
    return original.apply(this, args)
  } as typeof original
  syncBuiltinESMExports()
})
afterEach(async () => {
  fs.readFileSync = original
  syncBuiltinESMExports()
  await gw?.close()
  gw = null
  rmSync(dir, { recursive: true, force: true })
})

const start = async () => {
  gw = await startGateway(
    loadConfig(
      {
        FARAMESH_PORT: '0',
        FARAMESH_HOT_RELOAD: '1',
        FARAMESH_POLICY_FILE: 'conf/policy.yaml',
        FARAMESH_PROFILE_FILE: 'conf/profile.yaml',
        FARAMESH_TOKENS_FILE: 'conf/tokens.json',
      },
      dir,
    ),
    { logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }) },
  )
  return gw
}
const readsOf = (name: string) => reads.filter((p) => p === join(dir, 'conf', name)).length
const decision = async (g: GatewayHandle) =>
  ((await (await fetch(`${g.url}/v1/gate/decide`, { method: 'POST', headers: { authorization: 'Bearer root-tok' }, body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }) })).json()) as { decision: string }).decision
/** Past the debounce and at least one poll (2 s), so any second read or parse would have happened. */
const settle = () => new Promise((r) => setTimeout(r, 2300))

describe('one watcher for the gateway files', () => {
  it('a policy edit reads and parses the policy once and reads neither the profile nor the tokens file', async () => {
    const g = await start()
    expect((await decision(g))).toBe('allow')
    reads = []
    writeFileSync(join(dir, 'conf', 'policy.yaml'), DENY_HTTP)
    await eventually(async () => (await decision(g)) === 'deny', 5000)
    await settle()
    expect(readsOf('policy.yaml')).toBeGreaterThanOrEqual(1)
    // The file event and the poll may both look; the second look finds the bytes in force and parses nothing.
    expect(readsOf('policy.yaml')).toBeLessThanOrEqual(2)
    expect({ profile: readsOf('profile.yaml'), tokens: readsOf('tokens.json') }).toEqual({ profile: 0, tokens: 0 })
    expect(logs.filter((l) => l.includes('policy reloaded'))).toHaveLength(1)
    expect(await metricValue(g.url, 'faramesh_policy_reloads_total', { result: 'success' }, 'root-tok')).toBe(1)
  })

  it('a tokens edit takes effect without a restart and reads neither the policy nor the profile', async () => {
    const g = await start()
    reads = []
    writeFileSync(join(dir, 'conf', 'tokens.json'), tokens(['root', 'root-tok'], ['ops', 'ops-tok']))
    await eventually(async () => (await fetch(`${g.url}/v1/actions`, { headers: { authorization: 'Bearer ops-tok' } })).status === 200, 5000)
    await settle()
    expect({ policy: readsOf('policy.yaml'), profile: readsOf('profile.yaml') }).toEqual({ policy: 0, profile: 0 })
    expect(logs.filter((l) => l.includes('tokens file reloaded'))).toHaveLength(1)
  })
})
