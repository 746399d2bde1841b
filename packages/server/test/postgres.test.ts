// Two gateway processes on one real Postgres: each streams every event, whichever process wrote it; a store
// outage is a 503 with a clear detail, never a crash.
import { fork, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSse } from './sse-client.js'

const FIXTURE = fileURLToPath(new URL('./fixtures/gateway-process.mjs', import.meta.url))
let pg: PostgresInstance | null = null
let dir: string
const children: ChildProcess[] = []

function spawnGateway(dsn: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = fork(FIXTURE, [], { cwd: dir, env: { ...process.env, FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    children.push(child)
    child.once('message', (m: { url: string }) => resolve(m.url))
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)))
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-pg-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: http, op: "*" }\n    allow: true\n')
  pg = await startPostgres()
}, 60_000)

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL')
  await pg?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const submit = (url: string, agent: string) =>
  fetch(`${url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: agent, tool: 'http', operation: 'get' }) })

describe('two gateway processes on one Postgres', () => {
  it('both stream every event, written through either process, with the same seq ids', async () => {
    const [a, b] = await Promise.all([spawnGateway(pg!.dsn), spawnGateway(pg!.dsn)])
    const sa = await openSse(`${a}/v1/events`)
    const sb = await openSse(`${b}/v1/events`)
    expect((await submit(a, 'via-a')).status).toBe(200)
    expect((await submit(b, 'via-b')).status).toBe(200)
    expect((await submit(a, 'via-a2')).status).toBe(200)
    const fa = await sa.waitFor(6, 10_000)
    const fb = await sb.waitFor(6, 10_000)
    sa.close()
    sb.close()
    const ids = (fs: typeof fa) => fs.map((f) => Number(f.id))
    expect(ids(fa)).toEqual(ids(fb))
    expect(ids(fa)).toEqual([...ids(fa)].sort((x, y) => x - y))
    const agents = new Set(fa.map((f) => JSON.parse(f.data).data.agent_id))
    expect(agents).toEqual(new Set(['via-a', 'via-b', 'via-a2']))

    // Store outage: /ready turns 503 and writes answer 503 with a clear detail; /health stays up.
    await pg!.stop()
    pg = null
    const ready = await fetch(`${a}/ready`)
    expect(ready.status).toBe(503)
    const w = await submit(a, 'during-outage')
    expect(w.status).toBe(503)
    expect(((await w.json()) as { detail: string }).detail).toMatch(/[Ss]tore unavailable/)
    expect((await fetch(`${a}/health`)).status).toBe(200)
  }, 60_000)
})
