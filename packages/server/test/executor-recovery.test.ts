// Item: after kill -9 of a gateway, the actions it was executing must not stay `executing` forever. Real gateway
// processes, a real SIGKILL, on one SQLite file and on one Postgres: the next gateway to start fails the dead
// gateway's executions with "gateway stopped during execution" and an event saying so, and leaves alone what an agent
// executes itself and what another live gateway is executing right now.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { eventually } from './helpers.js'
import { forkGateway, type ForkedGateway } from './forked-gateway.js'

const POLICY = 'rules:\n  - match: { tool: shell, op: "*" }\n    allow: true\n  - match: { tool: http, op: "*" }\n    allow: true\n'

let dir: string
const gateways: ForkedGateway[] = []
const groups: string[] = []

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-recovery-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
})
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.kill9()
  // A command whose gateway was killed -9 keeps running (nothing is left to kill its group): end it here.
  for (const f of groups.splice(0)) killGroupIn(f)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function killGroupIn(pidFile: string): void {
  if (!existsSync(pidFile)) return
  try {
    process.kill(-Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL')
  } catch {
    // gone already
  }
}

async function start(env: Record<string, string>): Promise<ForkedGateway> {
  const g = await forkGateway(dir, env)
  gateways.push(g)
  return g
}

const api = async (g: ForkedGateway, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
  const res = await fetch(`${g.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) })
  return { status: res.status, body: await res.json() }
}

/** Submit and /start on gateway `g`; a shell command records its process group in `pidFile` and then waits. */
async function started(g: ForkedGateway, tool: 'shell' | 'http', pidFile?: string): Promise<string> {
  const params = pidFile ? { cmd: `echo $$ > ${pidFile}; exec sleep 1000` } : {}
  const a = await api(g, 'POST', '/v1/actions', { agent_id: 'agent-1', tool, operation: 'run', params })
  expect(a.body.status).toBe('allowed')
  expect((await api(g, 'POST', `/v1/actions/${a.body.id}/start`)).body.status).toBe('executing')
  if (pidFile) {
    groups.push(pidFile)
    await eventually(async () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '')
  }
  return a.body.id
}

async function scenario(env: Record<string, string>, tag: string): Promise<void> {
  const a = await start(env)
  const b = await start(env)
  const orphan = await started(a, 'shell', join(dir, `${tag}-a.pid`))
  const agentRun = await started(a, 'http')
  const runningOnB = await started(b, 'shell', join(dir, `${tag}-b.pid`))
  const owner = (await api(a, 'GET', `/v1/actions/${orphan}/events`)).body.find((e: any) => e.event_type === 'started').meta.gateway

  await a.kill9()
  const c = await start(env)
  const failed = await eventually(async () => {
    const x = (await api(c, 'GET', `/v1/actions/${orphan}`)).body
    return x.status !== 'executing' ? x : null
  })
  expect(failed).toMatchObject({ status: 'failed', error: 'gateway stopped during execution' })
  const events = (await api(c, 'GET', `/v1/actions/${orphan}/events`)).body
  expect(events.map((e: any) => e.event_type)).toEqual(['created', 'decision_made', 'started', 'failed'])
  expect(events.at(-1).meta).toEqual({ error: 'gateway stopped during execution', executor: 'shell', gateway: owner, set: { status: 'failed', error: 'gateway stopped during execution' } })
  expect(await c.recovered).toBe(1)

  // The agent runs its own action and may report whenever it is done; B is alive and still runs its command.
  expect((await api(c, 'GET', `/v1/actions/${agentRun}`)).body.status).toBe('executing')
  expect((await api(c, 'GET', `/v1/actions/${runningOnB}`)).body.status).toBe('executing')
  expect((await api(c, 'POST', `/v1/actions/${agentRun}/result`, { success: true })).body.status).toBe('succeeded')
  // B still owns its execution: it records the command's real end, not "gateway stopped".
  killGroupIn(join(dir, `${tag}-b.pid`))
  const onB = await eventually(async () => {
    const x = (await api(c, 'GET', `/v1/actions/${runningOnB}`)).body
    return x.status !== 'executing' ? x : null
  })
  expect(onB).toMatchObject({ status: 'failed', error: 'exit code null' })
  expect((await api(c, 'GET', '/v1/ledger/verify')).body).toMatchObject({ ok: true })
}

describe('executions of a gateway killed with SIGKILL', () => {
  it('SQLite: the next gateway fails them, leaving agent-run actions and a live gateway\'s executions alone', async () => {
    const db = join(dir, 'recovery.db')
    await scenario({ FARA_SQLITE_PATH: db }, 'sqlite')
    // The dead gateway's lock file went with its recovery; the live ones keep theirs.
    expect(readdirSync(`${db}.gateways`)).toHaveLength(2)
  })

  describe('Postgres', () => {
    let pg: PostgresInstance
    beforeAll(async () => {
      pg = await startPostgres()
    }, 60_000)
    afterAll(async () => {
      await pg?.stop()
    })

    it('three gateways on one database: the next one fails only the dead gateway\'s executions', async () => {
      await scenario({ FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: pg.dsn, FARAMESH_SIGNING_KEY_FILE: join(dir, 'pg-key.pem') }, 'pg')
    }, 60_000)
  })
})
