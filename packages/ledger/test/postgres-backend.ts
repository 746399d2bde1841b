// A fresh database per test on one throw-away Postgres server per test file.
import postgres from 'postgres'
import { openPostgresLedger } from '../src/postgres/index.js'
import { startPostgres, type PostgresInstance } from '../src/testing/index.js'
import type { Backend } from './backends.js'

export function postgresBackend(): Backend {
  let pg: PostgresInstance | null = null
  let admin: postgres.Sql | null = null
  let n = 0
  const clients: postgres.Sql[] = []
  return {
    name: 'postgres',
    async setup() {
      pg = await startPostgres()
      admin = postgres(pg.dsn, { max: 1, onnotice: () => undefined })
    },
    async fresh() {
      const name = `t${++n}`
      await admin!.unsafe(`create database ${name}`)
      const dsn = pg!.dsn.replace(/\/postgres$/, `/${name}`)
      const sql = postgres(dsn, { max: 1, onnotice: () => undefined })
      clients.push(sql)
      return {
        location: dsn,
        open: (options) => openPostgresLedger(dsn, options),
        exec: async (text) => void (await sql.unsafe(text)),
        query: async <T>(text: string) => (await sql.unsafe(text)) as unknown as T[],
      }
    },
    async teardown() {
      await Promise.all(clients.map((c) => c.end({ timeout: 1 })))
      await admin?.end({ timeout: 1 })
      await pg?.stop()
    },
  }
}
