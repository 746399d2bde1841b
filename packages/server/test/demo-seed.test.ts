// FARAMESH_DEMO=1 through the real startGateway on a real SQLite file, with the gateway's log lines captured:
// it seeds an empty store and says so, and on a store that already holds actions it seeds nothing and says why.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'

let dir: string
let gw: GatewayHandle | null = null
let logs: Array<{ level: string; msg: string; [k: string]: unknown }> = []
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-demo-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n')
  logs = []
})
afterEach(async () => {
  await gw?.close()
  gw = null
  rmSync(dir, { recursive: true, force: true })
})

async function start(env: Record<string, string> = {}): Promise<GatewayHandle> {
  await gw?.close()
  logs = []
  gw = await startGateway(loadConfig({ FARAMESH_PORT: '0', ...env }, dir), {
    logger: createLogger({ level: 'info', write: (l) => logs.push(JSON.parse(l) as (typeof logs)[number]) }),
  })
  return gw
}
const count = async (g: GatewayHandle) => Number((await fetch(`${g.url}/v1/actions?limit=1`)).headers.get('x-total-count'))
const demoLines = () => logs.filter((l) => /demo/.test(l.msg))

describe('FARAMESH_DEMO=1', () => {
  it('logs why nothing was seeded when the store already holds actions', async () => {
    const g = await start()
    for (const i of [1, 2]) {
      const r = await fetch(`${g.url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: 'me', tool: 'http', operation: 'get', params: { i } }) })
      expect(r.status).toBe(200)
    }
    const again = await start({ FARAMESH_DEMO: '1' })
    expect(await count(again)).toBe(2)
    expect(demoLines()).toEqual([
      expect.objectContaining({
        level: 'warn',
        msg: 'demo seed skipped: the store already holds 2 actions (FARAMESH_DEMO=1 seeds only an empty store)',
        existing: 2,
      }),
    ])
  })

  it('seeds an empty store and logs the count; a restart on the seeded store logs the skip, in the singular too', async () => {
    const g = await start({ FARAMESH_DEMO: '1' })
    const seeded = await count(g)
    expect(seeded).toBeGreaterThan(3)
    expect(demoLines()).toEqual([expect.objectContaining({ level: 'info', msg: 'seeded demo actions', count: seeded })])
    await start({ FARAMESH_DEMO: '1' })
    expect(demoLines()).toEqual([expect.objectContaining({ level: 'warn', existing: seeded })])

    // One action: "1 action", not "1 actions".
    rmSync(join(dir, 'data'), { recursive: true, force: true })
    await gw!.close()
    gw = null
    const fresh = await start()
    await fetch(`${fresh.url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: 'me', tool: 'http', operation: 'get' }) })
    await start({ FARAMESH_DEMO: '1' })
    expect(demoLines().map((l) => l.msg)).toEqual(['demo seed skipped: the store already holds 1 action (FARAMESH_DEMO=1 seeds only an empty store)'])
  })

  it('says nothing about the demo when it is off', async () => {
    await start()
    expect(demoLines()).toEqual([])
  })
})
