// Migration 0004 on a database written by the previous schema: events get their action's pos, the old action_id
// index goes, and nothing about the chain or an action's timeline changes.
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
    CREATE INDEX action_events_action_seq ON action_events (action_id, seq);
    DELETE FROM ledger_migrations WHERE version >= 4;`)
  db.close()
}

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
