// A command that ends while the store is unreachable: its real outcome is recorded once the store is back (retried
// for about 30 s), not lost with the action left `executing`. Real Postgres behind a real TCP proxy that is cut and
// restored.
import { createServer, connect, type Server, type Socket } from 'node:net'
import { parsePolicy } from '@faramesh/policy-core'
import type { Ledger } from '@faramesh/ledger'
import { openPostgresLedger } from '@faramesh/ledger/postgres'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { staticPolicySource } from '../src/policy-source.js'
import { eventually } from './helpers.js'

let pg: PostgresInstance
beforeAll(async () => {
  pg = await startPostgres()
}, 60_000)
afterAll(async () => {
  await pg?.stop()
})

/** A TCP proxy to Postgres on a fixed port that can be cut (listener closed, connections dropped) and restored. */
async function cuttableProxy(target: number): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const make = (): Server =>
    createServer((s) => {
      const up = connect(target, '127.0.0.1')
      for (const x of [s, up]) {
        sockets.add(x)
        x.on('close', () => sockets.delete(x))
      }
      s.pipe(up).pipe(s)
      s.on('error', () => up.destroy())
      up.on('error', () => s.destroy())
    })
  let server = make()
  const port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)))
  const stop = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy()
      server.close(() => r())
    })
  return {
    port,
    cut: stop,
    restore: () =>
      new Promise<void>((r) => {
        server = make()
        server.listen(port, '127.0.0.1', () => r())
      }),
    close: stop,
  }
}

describe('an outcome ready while the store is down', () => {
  it('is recorded when the store comes back', async () => {
    const proxy = await cuttableProxy(pg.port)
    const ledger: Ledger = await openPostgresLedger(`postgres://postgres@127.0.0.1:${proxy.port}/postgres`, { max: 2 })
    const app = createApp({
      ledger,
      policy: staticPolicySource(parsePolicy('rules:\n  - match: { tool: shell, op: "*" }\n    allow: true\n', { source: 'p.yaml' })),
    })
    try {
      const post = async (path: string, body?: object) => (await app.request(path, { method: 'POST', body: JSON.stringify(body ?? {}) })).json() as Promise<{ id: string; status: string }>
      const a = await post('/v1/actions', { agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'sleep 1; exit 3' } })
      expect((await post(`/v1/actions/${a.id}/start`)).status).toBe('executing')
      await new Promise((r) => setTimeout(r, 300)) // the executor has read the action and started the command
      await proxy.cut()
      await new Promise((r) => setTimeout(r, 2_500)) // the command ended meanwhile; recording it fails
      await proxy.restore()
      const done = await eventually(async () => {
        const x = await ledger.getAction(a.id).catch(() => null)
        return x && x.status !== 'executing' ? x : null
      }, 20_000)
      expect(done).toMatchObject({ status: 'failed', error: 'exit code 3', result: { exit_code: 3 } })
    } finally {
      await app.close()
      await ledger.close()
      await proxy.close()
    }
  }, 60_000)
})
