// The drizzle schemas are the one source of the tables (README § Schema and migrations). Everything else that spells
// the action's columns is generated from them or checked here against them: the codec's column list, the Postgres
// twin of the SQLite table, drizzle-kit's snapshot of the committed migrations, and the hot-path row encoder.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { getTableColumns } from 'drizzle-orm'
import { generateDrizzleJson, generateMigration, generateSQLiteDrizzleJson, generateSQLiteMigration } from 'drizzle-kit/api'
import { describe, expect, it } from 'vitest'
import { actionColumnKinds, renderActionColumns } from '../scripts/action-columns.ts'
import { ACTION_COLUMN_NAMES, prepareAction } from '../src/action-codec.js'
import { loadMigrations } from '../src/migrations.js'
import * as pg from '../src/postgres/schema.js'
import * as lite from '../src/sqlite/schema.js'
import type { ActionRecord } from '../src/types.js'

const MIGRATIONS = new URL('../migrations/', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, MIGRATIONS), 'utf8')

/** The latest drizzle-kit snapshot committed for a dialect: what its migrations have built so far. */
function latestSnapshot(dialect: 'sqlite' | 'postgres'): unknown {
  const snapshots = readdirSync(new URL(`${dialect}/meta/`, MIGRATIONS)).filter((f) => f.endsWith('_snapshot.json')).sort()
  return JSON.parse(read(`${dialect}/meta/${snapshots.at(-1)}`))
}

/**
 * Applied migrations are history: a database records each one it ran by version and name, so a file must never
 * change once released (drizzle-kit writes only new files). Add the sha256 of each new migration here.
 */
const APPLIED: Record<string, string> = {
  'sqlite/0001_init.sql': 'adf56c9a306a0ef0ab78742c844de1024506f2b97ba13be6d730a020564d1796',
  'sqlite/0002_submitted_by_index.sql': 'ae692e5ce866f0e23cb617cc8d3b1d4394f256ba9d2a4cdfe2d88dbdfc77c723',
  'sqlite/0003_idempotency_key.sql': '5120821fe04bae1349f2996d1dc64178e834e3a01c6d93abf7dd72ee0840a5cf',
  'sqlite/0004_event_action_pos.sql': '37a958b3f2c29104a1800f75829918835a857ae7edc6b9ca7cfffe0e4a24f75e',
  'sqlite/0005_submitted_by_partial.sql': '3b731bc60270d3f17490de3b0642c8f1adf69103730dbef47e86956bc5046355',
  'postgres/0001_init.sql': 'a5ee7d5791fa12bd1e9625426b206ec42a7416b13adc46b32031f7c0fbe4de89',
  'postgres/0002_submitted_by_index.sql': 'ae692e5ce866f0e23cb617cc8d3b1d4394f256ba9d2a4cdfe2d88dbdfc77c723',
  'postgres/0003_idempotency_key.sql': '5120821fe04bae1349f2996d1dc64178e834e3a01c6d93abf7dd72ee0840a5cf',
}

describe('the drizzle schema is the one source of the tables', () => {
  it('src/action-columns.ts is what `pnpm db:generate` makes of the SQLite schema', () => {
    const committed = readFileSync(new URL('../src/action-columns.ts', import.meta.url), 'utf8')
    expect(committed).toBe(renderActionColumns(actionColumnKinds(lite.actions)))
  })

  it('Postgres declares the same action columns as SQLite: order, kind, nullability, default', () => {
    expect(actionColumnKinds(pg.actions)).toEqual(actionColumnKinds(lite.actions))
    const shape = (cols: Record<string, { name: string; notNull: boolean; hasDefault: boolean; default: unknown }>) =>
      Object.values(cols).map((c) => [c.name, c.notNull, c.hasDefault, c.default === undefined ? null : JSON.stringify(c.default)])
    // SQLite's json-mode text keeps its default as JSON text, Postgres' jsonb as the value: compare both as JSON.
    const liteShape = shape(getTableColumns(lite.actions)).map(([n, nn, d, v]) => [n, nn, d, typeof v === 'string' && v.startsWith('"{') ? JSON.stringify(JSON.parse(JSON.parse(v) as string)) : v])
    expect(shape(getTableColumns(pg.actions))).toEqual(liteShape)
  })

  for (const dialect of ['sqlite', 'postgres'] as const) {
    it(`drizzle-kit finds no ${dialect} schema change that lacks a migration`, async () => {
      const statements =
        dialect === 'sqlite'
          ? await generateSQLiteMigration(latestSnapshot('sqlite') as never, await generateSQLiteDrizzleJson({ ...lite }))
          : await generateMigration(latestSnapshot('postgres') as never, generateDrizzleJson({ ...pg }))
      expect(statements).toEqual([])
    })

    it(`the ${dialect} journal lists exactly the migrations the runner applies, so drizzle-kit numbers the next one after them`, () => {
      const journal = JSON.parse(read(`${dialect}/meta/_journal.json`)) as { entries: Array<{ idx: number; tag: string }> }
      const applied = loadMigrations(dialect).map((m) => ({ idx: m.version, tag: `${String(m.version).padStart(4, '0')}_${m.name}` }))
      expect(journal.entries.map((e) => ({ idx: e.idx, tag: e.tag }))).toEqual(applied)
    })
  }

  it('never rewrites an applied migration', () => {
    const now = Object.fromEntries(
      Object.keys(APPLIED).map((file) => [file, createHash('sha256').update(readFileSync(new URL(file, MIGRATIONS))).digest('hex')]),
    )
    expect(now).toEqual(APPLIED)
  })

  it('the hot-path row encoder writes each column of the schema at its place', () => {
    const columns = Object.values(getTableColumns(lite.actions)).filter((c) => c.name !== 'pos')
    expect(ACTION_COLUMN_NAMES).toEqual(columns.map((c) => c.name))
    // Every column gets a value of its own, so a row written out of order cannot pass.
    const action = Object.fromEntries(
      columns.map((c, i) => [c.name, c.columnType === 'SQLiteInteger' ? i : c.columnType === 'SQLiteTextJson' ? { col: c.name } : `${c.name}-${i}`]),
    ) as unknown as ActionRecord
    action.status = 'allowed'
    const { row } = prepareAction(action, '2026-01-01T00:00:00.000Z')
    const expected = columns.map((c, i) =>
      c.name === 'status' ? 'allowed' : c.columnType === 'SQLiteInteger' ? i : c.columnType === 'SQLiteTextJson' ? JSON.stringify({ col: c.name }) : `${c.name}-${i}`,
    )
    expect(row).toEqual(expected)
  })
})
