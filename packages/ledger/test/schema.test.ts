// A database built by the committed migrations must be exactly what the drizzle schema declares: the same tables,
// columns, types, nullability, defaults and indexes, on SQLite and on Postgres (schema-source.test.ts checks the
// schema against everything generated from it).
import { getTableConfig as pgConfig, type PgColumn } from 'drizzle-orm/pg-core'
import { getTableConfig as sqliteConfig, type SQLiteColumn } from 'drizzle-orm/sqlite-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACTION_COLUMN_NAMES } from '../src/action-codec.js'
import * as pg from '../src/postgres/schema.js'
import * as lite from '../src/sqlite/schema.js'
import { sqliteBackend } from './backends.js'
import { postgresBackend } from './postgres-backend.js'

interface Col {
  name: string
  type: string
  notNull: boolean
  default: string | null
}
const byName = (cols: Col[]) => Object.fromEntries(cols.map((c) => [c.name, c]))

/** A drizzle column as the database states it: SQL type, NOT NULL (a primary key is), default as SQL text. */
function declared(c: SQLiteColumn | PgColumn, sqlDefault: (v: unknown) => string | null): Col {
  return { name: c.name, type: c.getSQLType().toLowerCase(), notNull: c.notNull || c.primary, default: c.default === undefined ? null : sqlDefault(c.default) }
}

describe('schema', () => {
  const sqlite = sqliteBackend()
  const postgres = postgresBackend()
  beforeAll(async () => Promise.all([sqlite.setup(), postgres.setup()]), 60_000)
  afterAll(async () => Promise.all([sqlite.teardown(), postgres.teardown()]))

  it('has one actions column per ActionRecord field, plus the list position', () => {
    expect(sqliteConfig(lite.actions).columns.map((c) => c.name).sort()).toEqual([...ACTION_COLUMN_NAMES, 'pos'].sort())
    expect(pgConfig(pg.actions).columns.map((c) => c.name).sort()).toEqual([...ACTION_COLUMN_NAMES, 'pos'].sort())
  })

  it('migrates SQLite to exactly the drizzle tables (columns, types, nullability, defaults, indexes)', async () => {
    const db = await sqlite.fresh()
    await (await db.open()).close()
    const tables = [lite.actions, lite.actionEvents, lite.ledgerCheckpoints, lite.ledgerKeys, lite.ledgerMigrations]
    const names = (await db.query<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)).map((t) => t.name)
    expect(names).toEqual(tables.map((t) => sqliteConfig(t).name).sort())
    for (const table of tables) {
      const cfg = sqliteConfig(table)
      const cols = await db.query<{ name: string; type: string; notnull: number; pk: number; dflt_value: string | null }>(`PRAGMA table_info(${cfg.name})`)
      expect(byName(cols.map((c) => ({ name: c.name, type: c.type.toLowerCase(), notNull: c.notnull === 1 || c.pk === 1, default: c.dflt_value }))))
        .toEqual(byName(cfg.columns.map((c) => declared(c, (v) => `'${String(v)}'`))))
      const indexes = await db.query<{ name: string; origin: string; partial: number }>(`PRAGMA index_list(${cfg.name})`)
      // CREATE INDEX ones by name and partial-ness; UNIQUE columns make SQLite's own autoindexes (one each).
      expect(Object.fromEntries(indexes.filter((i) => i.origin === 'c').map((i) => [i.name, i.partial === 1]))).toEqual(
        Object.fromEntries(cfg.indexes.map((i) => [i.config.name, i.config.where !== undefined])),
      )
      expect(indexes.filter((i) => i.origin === 'u').length).toBe(cfg.columns.filter((c) => c.isUnique).length)
    }
  })

  it('migrates Postgres to exactly the drizzle tables (columns, types, nullability, defaults, indexes)', async () => {
    const db = await postgres.fresh()
    await (await db.open()).close()
    const tables = [pg.actions, pg.actionEvents, pg.ledgerCheckpoints, pg.ledgerKeys, pg.ledgerMigrations]
    const names = (await db.query<{ table_name: string }>(`select table_name from information_schema.tables where table_schema = 'public' order by table_name`)).map((t) => t.table_name)
    expect(names).toEqual(tables.map((t) => pgConfig(t).name).sort())
    for (const table of tables) {
      const cfg = pgConfig(table)
      const cols = await db.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
        `select column_name, data_type, is_nullable, column_default from information_schema.columns where table_name = '${cfg.name}'`,
      )
      expect(byName(cols.map((c) => ({ name: c.column_name, type: c.data_type, notNull: c.is_nullable === 'NO', default: c.column_default }))))
        .toEqual(byName(cfg.columns.map((c) => declared(c, (v) => `'${JSON.stringify(v)}'::jsonb`))))
      const identity = await db.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = '${cfg.name}' and is_identity = 'YES'`)
      expect(identity.map((c) => c.column_name)).toEqual(cfg.columns.filter((c) => c.generatedIdentity !== undefined).map((c) => c.name))
      const indexes = await db.query<{ indexname: string; indexdef: string }>(`select indexname, indexdef from pg_indexes where tablename = '${cfg.name}'`)
      // Declared indexes by name and partial-ness, plus the primary key's and each UNIQUE column's named constraint.
      expect(Object.fromEntries(indexes.map((i) => [i.indexname, / WHERE /.test(i.indexdef)]))).toEqual(
        Object.fromEntries([
          ...cfg.indexes.map((i) => [i.config.name, i.config.where !== undefined]),
          [`${cfg.name}_pkey`, false],
          ...cfg.columns.filter((c) => c.isUnique).map((c) => [c.uniqueName, false]),
        ]),
      )
    }
  })
})
