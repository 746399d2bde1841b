// Gateway leases: whether the process that owns an execution still lives. SQLite lock files and a Postgres advisory
// lock, each tested with real files, a real Postgres and a real process killed with SIGKILL.
import { fork } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openSqliteLease } from '../src/executors/lease-sqlite.js'
import { LEASE_CLASS, leaseKey, openPostgresLease } from '../src/executors/lease-postgres.js'
import { silentLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway } from '../src/node/start-gateway.js'
import { eventually } from './helpers.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-lease-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('SQLite lease', () => {
  it('tells a live lease from a closed one, in this process and in another', async () => {
    const db = join(dir, 'a.db')
    const one = openSqliteLease(db)
    const two = openSqliteLease(db)
    expect(one.id).not.toBe(two.id)
    expect(await one.isLive(two.id)).toBe(true)
    expect(await two.isLive(one.id)).toBe(true)
    await two.close()
    expect(await one.isLive(two.id)).toBe(false)
    expect(await one.isLive('not-a-lease-id')).toBe(false)
    expect(await one.isLive('00000000-0000-4000-8000-000000000000')).toBe(false)
    await one.close()
    expect(readdirSync(`${db}.gateways`)).toEqual([])
  })

  it('gateways naming the database through a symlink share one lease directory', async () => {
    const real = join(dir, 'real')
    mkdirSync(real)
    writeFileSync(join(real, 'd.db'), '')
    symlinkSync(join(real, 'd.db'), join(dir, 'link.db'))
    const one = openSqliteLease(join(real, 'd.db'))
    const two = openSqliteLease(join(dir, 'link.db'))
    expect(await two.isLive(one.id)).toBe(true)
    expect(await one.isLive(two.id)).toBe(true)
    expect(readdirSync(join(real, 'd.db.gateways'))).toHaveLength(2)
    await one.close()
    await two.close()
  })

  // The holder drops its lease object at once: the lease module must keep the connection (and its lock) alive.
  it('a lease held by a process killed with SIGKILL is dead, and its file is removed', async () => {
    const db = join(dir, 'b.db')
    const script = join(dir, 'hold.mjs')
    const url = new URL('../dist/executors/lease-sqlite.js', import.meta.url).href
    writeFileSync(script, `import { openSqliteLease } from '${url}'\nconst l = openSqliteLease(process.argv[2])\nprocess.send(l.id)\nsetInterval(() => {}, 1000)\n`)
    const child = fork(script, [db], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const id = await new Promise<string>((r) => child.once('message', (m) => r(String(m))))
    const me = openSqliteLease(db)
    expect(await me.isLive(id)).toBe(true)
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    expect(await me.isLive(id)).toBe(false)
    expect(existsSync(join(`${db}.gateways`, `${id}.lock`))).toBe(false)
    await me.close()
  })

  it('a gateway that cannot take its lease refuses to start, naming the place', async () => {
    const db = join(dir, 'c.db')
    writeFileSync(`${db}.gateways`, 'not a directory')
    writeFileSync(join(dir, 'policy.yaml'), 'rules: []\n')
    const config = loadConfig({ FARAMESH_PORT: '0', FARA_SQLITE_PATH: db, FARA_POLICY_FILE: 'policy.yaml' }, dir)
    await expect(startGateway(config, { logger: silentLogger })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(`cannot take the gateway lease in ${db}.gateways`),
    })
  })
})

describe('Postgres lease', () => {
  let pg: PostgresInstance
  beforeAll(async () => {
    pg = await startPostgres()
  }, 60_000)
  afterAll(async () => {
    await pg?.stop()
  })

  it('tells a live lease from a closed one; a dropped connection takes the lock again', async () => {
    const one = await openPostgresLease(pg.dsn, silentLogger, { heartbeatMs: 100 })
    const two = await openPostgresLease(pg.dsn, silentLogger)
    expect(await one.isLive(two.id)).toBe(true)
    expect(await two.isLive(one.id)).toBe(true)
    expect(await one.isLive('00000000-0000-4000-8000-000000000000')).toBe(false)
    await two.close()
    expect(await one.isLive(two.id)).toBe(false)

    // Postgres restarts, a proxy cuts the connection: the session and its lock are gone, then the lock is taken again
    // by a new session.
    const admin = postgres(pg.dsn, { max: 1, onnotice: () => undefined })
    const holder = async (): Promise<number | null> => {
      const rows = await admin<Array<{ pid: number }>>`
        select pid from pg_locks where locktype = 'advisory' and granted and objsubid = 2
          and classid::int8 = ${LEASE_CLASS} and objid::int8 = ${leaseKey(one.id)}`
      return rows[0]?.pid ?? null
    }
    const before = await holder()
    expect(before).not.toBeNull()
    await admin`select pg_terminate_backend(${before})`
    await eventually(async () => {
      const now = await holder()
      return now !== null && now !== before
    }, 10_000)
    const observer = await openPostgresLease(pg.dsn, silentLogger)
    expect(await observer.isLive(one.id)).toBe(true)
    await one.close()
    await observer.close()
    await admin.end()
  })
})
