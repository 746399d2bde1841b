// The drizzle schemas, the hand-written migration SQL and the shared column list must describe the same tables.
import { getTableConfig as pgConfig } from 'drizzle-orm/pg-core'
import { getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACTION_COLUMN_NAMES } from '../src/action-codec.js'
import * as pg from '../src/postgres/schema.js'
import * as lite from '../src/sqlite/schema.js'
import { sqliteBackend } from './backends.js'
import { postgresBackend } from './postgres-backend.js'

type Col = { name: string; notNull: boolean }
const shape = (cols: Col[]) => Object.fromEntries(cols.map((c) => [c.name, c.notNull])) as Record<string, boolean>

describe('schema', () => {
  const sqlite = sqliteBackend()
  const postgres = postgresBackend()
  beforeAll(async () => Promise.all([sqlite.setup(), postgres.setup()]), 60_000)
  afterAll(async () => Promise.all([sqlite.teardown(), postgres.teardown()]))

  it('has one actions column per ActionRecord field, plus the list position', () => {
    expect(Object.keys(shape(sqliteConfig(lite.actions).columns)).sort()).toEqual([...ACTION_COLUMN_NAMES, 'pos'].sort())
    expect(Object.keys(shape(pgConfig(pg.actions).columns)).sort()).toEqual([...ACTION_COLUMN_NAMES, 'pos'].sort())
  })

  it('migrates SQLite to exactly the drizzle tables (names, nullability, indexes)', async () => {
    const db = await sqlite.fresh()
    await (await db.open()).close()
    for (const table of [lite.actions, lite.actionEvents, lite.ledgerCheckpoints, lite.ledgerKeys, lite.ledgerMigrations]) {
      const cfg = sqliteConfig(table)
      const cols = await db.query<{ name: string; notnull: number; pk: number }>(`PRAGMA table_info(${cfg.name})`)
      expect(shape(cols.map((c) => ({ name: c.name, notNull: c.notnull === 1 || c.pk === 1 })))).toEqual(shape(cfg.columns.map((c) => ({ name: c.name, notNull: c.notNull || c.primary }))))
      const indexes = (await db.query<{ name: string }>(`PRAGMA index_list(${cfg.name})`)).map((i) => i.name)
      for (const i of cfg.indexes) expect(indexes).toContain(i.config.name)
    }
  })

  it('migrates Postgres to exactly the drizzle tables (names, nullability, indexes)', async () => {
    const db = await postgres.fresh()
    await (await db.open()).close()
    for (const table of [pg.actions, pg.actionEvents, pg.ledgerCheckpoints, pg.ledgerKeys, pg.ledgerMigrations]) {
      const cfg = pgConfig(table)
      const cols = await db.query<{ column_name: string; is_nullable: string }>(
        `select column_name, is_nullable from information_schema.columns where table_name = '${cfg.name}'`,
      )
      expect(shape(cols.map((c) => ({ name: c.column_name, notNull: c.is_nullable === 'NO' })))).toEqual(shape(cfg.columns.map((c) => ({ name: c.name, notNull: c.notNull || c.primary }))))
      const indexes = (await db.query<{ indexname: string }>(`select indexname from pg_indexes where tablename = '${cfg.name}'`)).map((i) => i.indexname)
      for (const i of cfg.indexes) expect(indexes).toContain(i.config.name)
    }
  })
})
