// Contract, part 2: the chain (append, read, verify, checkpoints, export, change feed, tampering, schema guard).
import { describe, expect, it } from 'vitest'
import { verifyNdjson } from '../src/verify-ndjson.js'
import { LedgerError } from '../src/errors.js'
import type { ChainEvent, Ledger } from '../src/types.js'
import type { Backend, TestDb } from './backends.js'
import { createdEvents, newAction } from './fixtures.js'

async function fill(ledger: Ledger, actions: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < actions; i++) {
    const a = newAction()
    ids.push(a.id)
    await ledger.createAction(a, createdEvents())
  }
  return ids
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = []
  for await (const l of it) out.push(l)
  return out
}

export function chainContract(backend: Backend, fresh: () => Promise<TestDb>): void {
  describe(`${backend.name}: chain`, () => {
    it('reads events after a seq, keeps one global chain across actions and verifies', async () => {
      const db = await fresh()
      const ledger = await db.open()
      const [a, b] = await fill(ledger, 2)
      const odd = { text: 'tab\there\nnew \\ back \u0001 ünï 🎉 "q"', n: [1.5, -0, 1e21, 1e-7] }
      const weird = await ledger.appendEvent(b!, { id: 'ev\t\\id\n', event_type: 'started', meta: odd })
      // The ledger adds `set: {}`: this write changed no column of the action.
      expect(weird.meta).toEqual({ ...JSON.parse(JSON.stringify(odd)), set: {} })
      expect((await ledger.getEvents(b!)).at(-1)).toEqual(weird)
      const e = await ledger.appendEvent(a!, { event_type: 'started', meta: { pid: 42 } })
      expect(e.seq).toBe(6)
      expect(await verifyNdjson(await collect(ledger.exportNdjson()), ledger.publicKey().public_key_pem)).toMatchObject({ ok: true, checked: 6 })
      expect((await ledger.readEvents(3)).map((x) => [x.seq, x.action_id])).toEqual([[4, b], [5, b], [6, a]])
      expect((await ledger.readEvents(0, 2)).map((x) => x.seq)).toEqual([1, 2])
      expect(await ledger.head()).toEqual({ seq: 6, hash: e.hash })
      expect(await ledger.verify()).toMatchObject({
        ok: true,
        checked: 6,
        head: { seq: 6, hash: e.hash },
        checkpoints: { count: 0, last_seq: null, unsigned: 6, keys: {} },
        actions: { checked: 2, skipped: 0 },
      })
      expect(await ledger.verify({ from: 2, to: 4 })).toMatchObject({ ok: true, checked: 3 })
      await ledger.close()
    })

    it('signs checkpoints every N events and on demand; an export verifies offline with the public key', async () => {
      const db = await fresh()
      const ledger = await db.open({ checkpointEvery: 4 })
      await fill(ledger, 3)
      await new Promise((r) => setTimeout(r, 50))
      const auto = await ledger.checkpoints()
      expect(auto.length).toBeGreaterThanOrEqual(1)
      expect(auto[0]!.seq).toBeGreaterThanOrEqual(4)
      const cp = await ledger.checkpoint()
      expect(cp).toMatchObject({ seq: 6, key_id: ledger.publicKey().key_id })
      expect(ledger.publicKey().key_id).toMatch(/^[0-9a-f]{16}$/)
      const lines = await collect(ledger.exportNdjson())
      expect(lines.filter((l) => l.startsWith('{"checkpoint"'))).toHaveLength((await ledger.checkpoints()).length)
      expect(await verifyNdjson(lines, ledger.publicKey().public_key_pem)).toMatchObject({ ok: true, checked: 6 })
      expect(await verifyNdjson(lines.join('\n'), ledger.publicKey().public_key_pem)).toMatchObject({ ok: true })
      expect(await verifyNdjson(await collect(ledger.exportNdjson(3)), ledger.publicKey().public_key_pem)).toMatchObject({ ok: true, checked: 4 })
      const edited = lines.map((l) => l.replace('"event_type":"decision_made"', '"event_type":"created"'))
      expect(await verifyNdjson(edited, ledger.publicKey().public_key_pem)).toMatchObject({ ok: false, seq: 2, reason: 'hash_mismatch' })
      const cut = lines.filter((l) => !l.endsWith('"seq":6}') || l.startsWith('{"checkpoint"'))
      expect(await verifyNdjson(cut, ledger.publicKey().public_key_pem)).toMatchObject({ ok: false, seq: 6, reason: 'truncated' })
      const otherLedger = await (await fresh()).open()
      const other = otherLedger.publicKey().public_key_pem
      await otherLedger.close()
      expect(await verifyNdjson(lines, other)).toMatchObject({ ok: false, reason: 'untrusted_key', key_id: ledger.publicKey().key_id })
      const forged = lines.map((l) => (l.startsWith('{"checkpoint"') ? l.replace(/"signature":"[^"]+"/, `"signature":"${'A'.repeat(86)}=="`) : l))
      expect(await verifyNdjson(forged, ledger.publicKey().public_key_pem)).toMatchObject({ ok: false, reason: 'bad_signature' })
      await expect(verifyNdjson(['{"seq":1}'], other)).rejects.toBeInstanceOf(LedgerError)
      await ledger.close()
    })

    it('signs the head every checkpointIntervalMs when it moved, and not again when it did not', async () => {
      const db = await fresh()
      const ledger = await db.open({ checkpointEvery: 0, checkpointIntervalMs: 40 })
      await fill(ledger, 1)
      await new Promise((r) => setTimeout(r, 300))
      expect((await ledger.checkpoints()).map((c) => c.seq)).toEqual([2])
      await fill(ledger, 1)
      await new Promise((r) => setTimeout(r, 300))
      expect((await ledger.checkpoints()).map((c) => c.seq)).toEqual([2, 4])
      await ledger.close()
    })

    it('delivers committed events to subscribers in seq order, once', async () => {
      const db = await fresh()
      const ledger = await db.open()
      const got: ChainEvent[] = []
      const off = ledger.subscribe((e) => got.push(e))
      await Promise.all([fill(ledger, 3), fill(ledger, 2)])
      await ledger.appendEvent((await ledger.readEvents(0, 1))[0]!.action_id, { event_type: 'started', meta: {} })
      await new Promise((r) => setTimeout(r, 100))
      expect(got.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
      off()
      await ledger.close()
    })

    it('reports an edited meta as hash_mismatch at its seq', async () => {
      const db = await fresh()
      const ledger = await db.open()
      await fill(ledger, 5)
      await db.exec(`UPDATE action_events SET meta = '{"decision":"allow"}' WHERE seq = 4`)
      expect(await ledger.verify()).toMatchObject({ ok: false, seq: 4, reason: 'hash_mismatch', checked: 3 })
      await ledger.close()
    })

    it('reports a deleted event as a gap at its seq', async () => {
      const db = await fresh()
      const ledger = await db.open()
      await fill(ledger, 5)
      await db.exec(`DELETE FROM action_events WHERE seq = 7`)
      expect(await ledger.verify()).toMatchObject({ ok: false, seq: 7, reason: 'gap' })
      await ledger.close()
    })

    it('reports a rewritten link as broken_link', async () => {
      const db = await fresh()
      const ledger = await db.open()
      await fill(ledger, 3)
      await db.exec(`UPDATE action_events SET prev_hash = '${'0'.repeat(64)}' WHERE seq = 5`)
      expect(await ledger.verify()).toMatchObject({ ok: false, seq: 5, reason: 'broken_link' })
      await ledger.close()
    })

    it('catches the last 10 events being dropped through the signed checkpoint', async () => {
      const db = await fresh()
      const ledger = await db.open()
      await fill(ledger, 15)
      await ledger.checkpoint()
      await db.exec(`DELETE FROM action_events WHERE seq > 20`)
      const r = await ledger.verify()
      expect(r).toMatchObject({ ok: false, seq: 21, reason: 'truncated' })
      await ledger.close()
    })

    it('catches a consistently rewritten tail through the checkpoint', async () => {
      const db = await fresh()
      const ledger = await db.open()
      await fill(ledger, 4)
      await ledger.checkpoint()
      await db.exec(`DELETE FROM action_events WHERE seq > 6`)
      // Re-append different history with valid hashes: the chain alone is consistent again.
      const a = (await ledger.readEvents(0, 1))[0]!.action_id
      await ledger.appendEvent(a, { event_type: 'started', meta: {} })
      await ledger.appendEvent(a, { event_type: 'succeeded', meta: {} })
      expect(await ledger.verify({ to: 8 })).toMatchObject({ ok: false, seq: 8, reason: 'checkpoint_mismatch' })
      await ledger.close()
    })

    it('reopens with every action, event and the same signing key', async () => {
      const db = await fresh()
      const first = await db.open()
      const ids = await fill(first, 3)
      await first.checkpoint()
      const key = first.publicKey()
      await first.close()
      const again = await db.open()
      expect(again.publicKey().key_id).toBe(backend.name === 'sqlite' ? key.key_id : again.publicKey().key_id)
      for (const id of ids) expect(await again.getAction(id)).not.toBeNull()
      expect(await again.verify()).toMatchObject({ ok: true, checked: 6 })
      expect(await again.ping()).toBe(true)
      await again.close()
      expect(await again.ping()).toBe(false)
      await expect(again.getAction(ids[0]!)).rejects.toMatchObject({ code: 'CLOSED' })
    })

    it('refuses to open a database from a newer schema, without modifying it', async () => {
      const db = await fresh()
      await (await db.open()).close()
      await db.exec(`INSERT INTO ledger_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00.000Z')`)
      const before = await db.query(`SELECT count(*) AS n FROM ledger_migrations`)
      await expect(db.open()).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' })
      expect(await db.query(`SELECT count(*) AS n FROM ledger_migrations`)).toEqual(before)
    })
  })
}
