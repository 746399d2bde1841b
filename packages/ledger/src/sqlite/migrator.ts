// Apply pending migrations on open. A database from a newer schema is refused before anything is written to it
// (not even the WAL switch), so an older server cannot damage a newer one's data.
import type Database from 'better-sqlite3'
import { loadMigrations, MIGRATIONS_TABLE, schemaTooNew } from '../migrations.js'

function currentVersion(db: Database.Database): number {
  const table = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(MIGRATIONS_TABLE)
  if (!table) return 0
  const row = db.prepare(`SELECT max(version) AS v FROM ${MIGRATIONS_TABLE}`).get() as { v: number | null }
  return row.v ?? 0
}

/** Throws SCHEMA_TOO_NEW without writing when the file is ahead of this package. */
export function checkSchemaVersion(db: Database.Database, where: string): void {
  const known = loadMigrations('sqlite').at(-1)?.version ?? 0
  const found = currentVersion(db)
  if (found > known) throw schemaTooNew(found, known, where)
}

export function migrateSqlite(db: Database.Database, where: string, now: string): void {
  const migrations = loadMigrations('sqlite')
  const known = migrations.at(-1)?.version ?? 0
  db.exec('BEGIN IMMEDIATE')
  try {
    // Re-read under the write lock: another process may have migrated meanwhile.
    const found = currentVersion(db)
    if (found > known) throw schemaTooNew(found, known, where)
    if (found === 0) {
      db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
    }
    for (const m of migrations) {
      if (m.version <= found) continue
      for (const stmt of m.statements) db.exec(stmt)
      db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`).run(m.version, m.name, now)
    }
    db.exec('COMMIT')
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw err
  }
}
