// Approval tokens across a fleet: gateway processes on one real Postgres with one signing key (docker/README.md)
// show and accept the same token, also after a restart; a replica with another key shows none (never a wrong one)
// but still accepts the token another replica handed out.
import { fork, type ChildProcess } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const FIXTURE = fileURLToPath(new URL('./fixtures/gateway-process.mjs', import.meta.url))
let pg: PostgresInstance | null = null
let dir: string
const children: ChildProcess[] = []

function spawnGateway(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = fork(FIXTURE, [], {
      cwd: dir,
      env: { ...process.env, FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: pg!.dsn, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    children.push(child)
    child.once('message', (m: { url: string }) => resolve({ url: m.url, child }))
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)))
  })
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-fleet-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: shell, op: "*" }\n    require_approval: true\n')
  const { privateKey } = generateKeyPairSync('ed25519')
  writeFileSync(join(dir, 'fleet-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 })
  pg = await startPostgres()
}, 60_000)

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL')
  await pg?.stop()
  rmSync(dir, { recursive: true, force: true })
})

type A = { id: string; status: string; approval_token: string | null }
const submit = async (url: string): Promise<A> =>
  (await (await fetch(`${url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: 'fleet', tool: 'shell', operation: 'run', params: { cmd: 'ls' } }) })).json()) as A
const get = async (url: string, id: string): Promise<A> => (await (await fetch(`${url}/v1/actions/${id}`)).json()) as A
const approve = (url: string, id: string, token: string | null) =>
  fetch(`${url}/v1/actions/${id}/approval`, { method: 'POST', body: JSON.stringify({ token, approve: true }) })

describe('approval tokens on gateways sharing one Postgres', () => {
  it('replicas with the fleet key agree, before and after a restart; a replica with another key shows none', async () => {
    const shared = { FARAMESH_SIGNING_KEY_FILE: 'fleet-key.pem' }
    const [a, b] = await Promise.all([spawnGateway(shared), spawnGateway(shared)])
    const stray = await spawnGateway({})

    const one = await submit(a.url)
    expect(one.approval_token).toEqual(expect.any(String))
    expect((await get(b.url, one.id)).approval_token).toBe(one.approval_token)
    expect((await get(stray.url, one.id)).approval_token).toBeNull()

    // A restarted replica derives the same token for an action submitted before the restart.
    const two = await submit(a.url)
    a.child.kill('SIGTERM')
    await new Promise((r) => a.child.once('exit', r))
    const again = await spawnGateway(shared)
    expect((await get(again.url, two.id)).approval_token).toBe(two.approval_token)

    expect((await approve(b.url, one.id, one.approval_token)).status).toBe(200)
    // The stray replica cannot show the token, but verifies the one handed out: the stored digest needs no secret.
    expect((await approve(stray.url, two.id, two.approval_token)).status).toBe(200)
    const three = await submit(b.url)
    expect((await approve(stray.url, three.id, 'forged')).status).toBe(403)
    expect((await get(again.url, one.id)).status).toBe('approved')
  }, 60_000)
})
