// Apply pending migrations on open, under an advisory lock so several server processes starting together migrate
// once. A database from a newer schema is refused before anything is written to it.
import type { Sql } from 'postgres'
import { loadMigrations, MIGRATIONS_TABLE, schemaTooNew } from '../migrations.js'

const MIGRATE_LOCK = 0x6661_7261 // "fara"

async function currentVersion(sql: Sql): Promise<number> {
  const [t] = await sql<Array<{ t: string | null }>>`select to_regclass(${MIGRATIONS_TABLE})::text as t`
  if (!t?.t) return 0
  const [row] = await sql.unsafe<Array<{ v: number | null }>>(`select max(version) as v from ${MIGRATIONS_TABLE}`)
  return row?.v ?? 0
}

export async function migratePostgres(sql: Sql, where: string, now: string): Promise<void> {
  const migrations = loadMigrations('postgres')
  const known = migrations.at(-1)?.version ?? 0
  const before = await currentVersion(sql)
  if (before > known) throw schemaTooNew(before, known, where)
  if (before === known) return
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATE_LOCK})`
    await tx.unsafe(
      `create table if not exists ${MIGRATIONS_TABLE} (version integer primary key, name text not null, applied_at text not null)`,
    )
    const found = await currentVersion(tx as unknown as Sql)
    if (found > known) throw schemaTooNew(found, known, where)
    for (const m of migrations) {
      if (m.version <= found) continue
      for (const stmt of m.statements) await tx.unsafe(stmt)
      await tx.unsafe(`insert into ${MIGRATIONS_TABLE} (version, name, applied_at) values ($1, $2, $3)`, [m.version, m.name, now])
    }
  })
}
