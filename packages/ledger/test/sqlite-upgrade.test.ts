// Migrations on databases written by earlier schemas. 0004: events get their action's pos, the old action_id index
// goes, and nothing about the chain or an action's timeline changes. 0005: the submitted_by index keeps only rows that
// have a submitter and still serves the agent's own list.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, expect, it } from 'vitest'
import { openSqliteLedger } from '../src/sqlite/index.js'
import { createdEvents, newAction } from './fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'faramesh-upgrade-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Turns a current database back into what schema version 3 wrote. */
function downgradeToV3(path: string): void {
  const db = new Database(path)
  db.exec(`DROP INDEX action_events_action_pos_seq;
    ALTER TABLE action_events DROP COLUMN action_pos;
    CREATE INDEX action_events_action_seq ON action_events (action_id, seq);`)
  db.close()
  downgradeToV4(path)
  const v3 = new Database(path)
  v3.exec('DELETE FROM ledger_migrations WHERE version >= 4')
  v3.close()
}

/** Turns a current database back into what schema version 4 wrote: the submitted_by index over every row. */
function downgradeToV4(path: string): void {
  const db = new Database(path)
  db.exec(`DROP INDEX actions_submitted_by_pos;
    CREATE INDEX actions_submitted_by_pos ON actions (submitted_by, pos);
    DELETE FROM ledger_migrations WHERE version >= 5;`)
  db.close()
}

it('upgrades a version 4 database: the submitted_by index leaves out anonymous actions and still serves the filter', async () => {
  const path = join(dir, 'v4.db')
  let ledger = await openSqliteLedger(path)
  for (let i = 0; i < 30; i++) await ledger.createAction(newAction({ submitted_by: i % 3 === 0 ? 'bot' : null }), createdEvents())
  await ledger.close()
  downgradeToV4(path)
  // Entries in the index itself, counted from its leaf pages.
  const entries = (db: Database.Database) =>
    db.prepare(`SELECT sum(ncell) FROM dbstat WHERE name = 'actions_submitted_by_pos' AND pagetype = 'leaf'`).pluck().get()
  const raw = new Database(path)
  expect(entries(raw)).toBe(30)
  raw.close()

  ledger = await openSqliteLedger(path)
  const page = await ledger.listActions({ submitted_by: 'bot', limit: 100 })
  expect(page.items).toHaveLength(10)
  expect(page.items.every((a) => a.submitted_by === 'bot')).toBe(true)
  await ledger.createAction(newAction({ submitted_by: 'bot' }), createdEvents())
  await ledger.createAction(newAction({ submitted_by: null }), createdEvents())
  expect(await ledger.countActions({ submitted_by: 'bot' })).toBe(11)
  await ledger.close()

  const db = new Database(path, { readonly: true })
  expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'actions_submitted_by_pos'`).pluck().get()).toMatch(/WHERE submitted_by IS NOT NULL/)
  // Only the 11 rows with a submitter are in the index, and the agent's list uses it.
  expect(entries(db)).toBe(11)
  const plan = db.prepare('EXPLAIN QUERY PLAN SELECT * FROM actions WHERE submitted_by = ? ORDER BY pos DESC LIMIT 50').all('bot')
  expect(JSON.stringify(plan)).toContain('actions_submitted_by_pos')
  db.close()
})

it('upgrades a version 3 database: timelines, chain and new writes all intact', async () => {
  const path = join(dir, 'v3.db')
  let ledger = await openSqliteLedger(path)
  const ids: string[] = []
  for (let i = 0; i < 20; i++) {
    const a = newAction({ status: 'pending_approval' })
    await ledger.createAction(a, createdEvents())
    ids.push(a.id)
  }
  for (const id of ids.slice(0, 10)) {
    await ledger.transition(id, { from: ['pending_approval'], to: 'approved', event: { event_type: 'approved', meta: { by: 'bob' } } })
  }
  const before = await Promise.all(ids.map((id) => ledger.getEvents(id)))
  await ledger.close()

  downgradeToV3(path)
  const raw = new Database(path)
  expect(raw.prepare(`SELECT max(version) AS v FROM ledger_migrations`).get()).toEqual({ v: 3 })
  raw.close()

  ledger = await openSqliteLedger(path)
  expect(await Promise.all(ids.map((id) => ledger.getEvents(id)))).toEqual(before)
  expect(await ledger.verify()).toMatchObject({ ok: true })
  // Writes after the upgrade (a transition of an old action, a new action) land in the same timelines.
  await ledger.transition(ids[10]!, { from: ['pending_approval'], to: 'denied', event: { event_type: 'denied', meta: { by: 'bob' } } })
  const fresh = newAction()
  await ledger.createAction(fresh, createdEvents())
  expect((await ledger.getEvents(ids[10]!)).map((e) => e.event_type)).toEqual([...before[10]!.map((e) => e.event_type), 'denied'])
  expect((await ledger.getEvents(fresh.id)).map((e) => e.event_type)).toEqual(createdEvents().map((e) => e.event_type))
  expect(await ledger.verify()).toMatchObject({ ok: true })
  await ledger.close()

  const db = new Database(path, { readonly: true })
  expect(db.prepare('SELECT count(*) AS n FROM action_events WHERE action_pos IS NULL').get()).toEqual({ n: 0 })
  const indexes = (db.prepare(`PRAGMA index_list(action_events)`).all() as Array<{ name: string }>).map((i) => i.name)
  expect(indexes).toContain('action_events_action_pos_seq')
  expect(indexes).not.toContain('action_events_action_seq')
  // The timeline query uses the new index rather than scanning the chain.
  const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT seq FROM action_events WHERE action_pos = (SELECT pos FROM actions WHERE id = ?) ORDER BY seq`).all(fresh.id)
  expect(JSON.stringify(plan)).toContain('action_events_action_pos_seq')
  db.close()
}, 30_000)
