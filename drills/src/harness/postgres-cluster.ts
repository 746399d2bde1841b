// A throw-away Postgres 15 cluster that a drill can stop, restart and reconfigure (the ledger's
// startPostgres() harness only starts and drops). Runs as the `postgres` user when we are root, because
// initdb refuses root; data and socket live in one temp dir owned by that user.
import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { DrillError } from './errors.js'
import { freePort } from './ports.js'

const run = promisify(execFile)

export interface PostgresCluster {
  readonly port: number
  readonly dir: string
  /** DSN of a database (default `postgres`) as the superuser, over TCP on 127.0.0.1. */
  dsn(database?: string): string
  createDatabase(name: string): Promise<string>
  sql(statement: string, database?: string): Promise<unknown[]>
  start(): Promise<void>
  stop(mode?: 'smart' | 'fast' | 'immediate'): Promise<void>
  destroy(): Promise<void>
  log(): string
  /** The postmaster's pid while running (its children are the backends). */
  postmasterPid(): number | null
}

function binDir(): string {
  for (const v of ['17', '16', '15']) {
    const dir = `/usr/lib/postgresql/${v}/bin`
    if (existsSync(join(dir, 'initdb'))) return dir
  }
  throw new DrillError('POSTGRES', 'no initdb under /usr/lib/postgresql/*/bin (apt-get install postgresql)')
}

async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null
  const { stdout: uid } = await run('id', ['-u', 'postgres'])
  const { stdout: gid } = await run('id', ['-g', 'postgres'])
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) }
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = binDir()
  const owner = await postgresUser()
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-drill-pg-'))
  if (owner) chownSync(dir, owner.uid, owner.gid)
  const data = join(dir, 'data')
  const logFile = join(dir, 'postgres.log')
  const port = await freePort()
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {}
  const pgCtl = async (args: string[]): Promise<void> => {
    try {
      await run(join(bin, 'pg_ctl'), ['-D', data, ...args], { ...as, timeout: 60_000 })
    } catch (err) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-4000) : ''
      throw new DrillError('POSTGRES', `pg_ctl ${args.join(' ')} failed\n${log}`, { cause: err })
    }
  }
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], {
      ...as,
      timeout: 60_000,
    })
  } catch (err) {
    throw new DrillError('POSTGRES', `initdb in ${dir} failed`, { cause: err })
  }
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on`
  const dsn = (database = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${database}`

  const cluster: PostgresCluster = {
    port,
    dir,
    dsn,
    async createDatabase(name) {
      await cluster.sql(`CREATE DATABASE "${name}"`)
      return dsn(name)
    },
    async sql(statement, database) {
      // Read-write even while a drill has made the server default to read-only transactions.
      const client = postgres(dsn(database), {
        max: 1,
        onnotice: () => {},
        connection: { default_transaction_read_only: false },
      })
      try {
        return [...(await client.unsafe(statement))]
      } finally {
        await client.end({ timeout: 5 })
      }
    },
    start: () => pgCtl(['-l', logFile, '-o', options, '-w', '-t', '60', 'start']),
    stop: (mode = 'fast') => pgCtl(['-m', mode, '-w', '-t', '60', 'stop']),
    async destroy() {
      await cluster.stop('immediate').catch(() => {})
      rmSync(dir, { recursive: true, force: true })
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    postmasterPid() {
      const file = join(data, 'postmaster.pid')
      return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null
    },
  }
  await cluster.start()
  return cluster
}
