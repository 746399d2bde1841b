// Contract, part 3: what verify() proves. A graceful close signs the head, several writers sign one increasing
// checkpoint sequence, every stored action field follows from its chained events, and only the keys the caller
// names are trusted. Runs on every backend.
import { generateKeyPairSync, sign } from 'node:crypto'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checkpointPayload, keyIdOf } from '../src/signing.js'
import type { ActionRecord, Ledger, LedgerOptions } from '../src/types.js'
import { approveAndRun, gatewaySubmit, writeLegacy } from './audit-fixtures.js'
import type { Backend, TestDb } from './backends.js'

const QUIET: LedgerOptions = { checkpointIntervalMs: 0 }

async function submit(ledger: Ledger, decision?: 'allow' | 'deny' | 'require_approval'): Promise<ActionRecord> {
  const { record, events } = gatewaySubmit(decision ? { decision } : {})
  return (await ledger.createAction(record, events)).action
}

/** A pending, an allowed and an approved-and-run action, written by the ledger as the gateway writes them. */
async function threeActions(db: TestDb) {
  const ledger = await db.open(QUIET)
  const pending = await submit(ledger)
  const allowed = await submit(ledger, 'allow')
  const done = await submit(ledger)
  await approveAndRun(ledger, done)
  await ledger.close()
  return { pending, allowed, done }
}

export function auditContract(backend: Backend, fresh: () => Promise<TestDb>): void {
  describe(`${backend.name}: what verify proves`, () => {
    it('signs the head at a graceful close, so events cut off after shutdown fail verify', async () => {
      const db = await fresh()
      let ledger = await db.open(QUIET)
      const a = await submit(ledger)
      await submit(ledger)
      const last = await submit(ledger)
      expect((await ledger.head())!.seq).toBe(6)
      expect(await ledger.checkpoints()).toEqual([])
      await ledger.close()
      expect((await db.query<{ seq: number | string }>('SELECT seq FROM ledger_checkpoints')).map((r) => Number(r.seq))).toEqual([6])
      // Cut the last action off, row and events: what is left is a consistent chain on its own.
      await db.exec(`DELETE FROM action_events WHERE seq > 4`)
      await db.exec(`DELETE FROM actions WHERE id = '${last.id}'`)
      ledger = await db.open(QUIET)
      expect(await ledger.verify()).toMatchObject({ ok: false, reason: 'truncated', seq: 5 })
      // Closing again signs nothing over the cut chain.
      await ledger.close()
      expect((await db.query<{ seq: number | string }>('SELECT seq FROM ledger_checkpoints')).map((r) => Number(r.seq))).toEqual([6])
      expect(a.id).toBeTruthy()
    })

    it('keeps signing when the clock steps back: a checkpoint is never dated before the last one', async () => {
      const db = await fresh()
      let at = Date.parse('2026-06-01T12:00:00.000Z')
      const ledger = await db.open({ ...QUIET, checkpointEvery: 0, clock: () => new Date(at) })
      await submit(ledger)
      const first = (await ledger.checkpoint())!
      at -= 3_600_000
      await submit(ledger)
      const second = (await ledger.checkpoint())!
      expect(second.seq).toBe(4)
      expect(second.created_at).toBe(first.created_at)
      await ledger.close()
    })

    it('says how many events after the last checkpoint no signature covers', async () => {
      const db = await fresh()
      let ledger = await db.open({ ...QUIET, checkpointEvery: 0 })
      const kid = ledger.publicKey().key_id
      await submit(ledger)
      await submit(ledger)
      await ledger.checkpoint()
      await submit(ledger)
      expect(await ledger.verify()).toMatchObject({ ok: true, checked: 6, checkpoints: { count: 1, last_seq: 4, unsigned: 2, keys: { [kid]: 1 } } })
      await ledger.close()
      ledger = await db.open(QUIET)
      expect(await ledger.verify()).toMatchObject({ ok: true, checkpoints: { count: 2, last_seq: 6, unsigned: 0 } })
      await ledger.close()
    })

    it('several writers on one database sign one increasing checkpoint sequence, no closer than checkpointEvery', async () => {
      const db = await fresh()
      const opts = { checkpointEvery: 10, checkpointIntervalMs: 0 }
      const a = await db.open(opts)
      const b = await db.open(opts)
      const keys = [a.publicKey().public_key_pem, b.publicKey().public_key_pem]
      const burst = (l: Ledger) => Promise.all(Array.from({ length: 30 }, () => submit(l)))
      await Promise.all([burst(a), burst(b), burst(a), burst(b)])
      await a.close()
      await b.close()
      const cps = await db.query<{ seq: number | string; created_at: string }>('SELECT seq, created_at FROM ledger_checkpoints ORDER BY seq')
      const seqs = cps.map((c) => Number(c.seq))
      expect(seqs.at(-1)).toBe(240)
      // At least 10 events apart (the last one, from a close, may be nearer), signed in seq order.
      for (let i = 1; i < seqs.length - 1; i++) expect(seqs[i]! - seqs[i - 1]!).toBeGreaterThanOrEqual(10)
      expect(seqs.length).toBeLessThanOrEqual(240 / 10 + 1)
      expect(cps.map((c) => c.created_at)).toEqual(cps.map((c) => c.created_at).sort())
      const check = await db.open({ verifyOnly: true })
      expect(await check.verify({ publicKeys: keys })).toMatchObject({ ok: true, checked: 240, actions: { checked: 120 } })
      await check.close()
    })

    it('follows every stored action field from its events: an edited field fails verify, naming the action and the field', async () => {
      type Three = Awaited<ReturnType<typeof threeActions>>
      // [reported field, column, whose row, the new value as SQL]
      const cases: Array<[string, string, keyof Three, string]> = [
        ['status', 'status', 'pending', `'approved'`],
        ['decision', 'decision', 'allowed', `'deny'`],
        ['params/context', 'params', 'pending', `'{"cmd":"rm -rf /"}'`],
        ['params/context', 'context', 'done', `'{"timeout":3600}'`],
        ['result', 'result', 'done', `'{"exit_code":1}'`],
        ['error', 'error', 'done', `'boom'`],
        ['approval_token_hash', 'approval_token_hash', 'pending', `'${'0'.repeat(64)}'`],
        ['approval_expires_at', 'approval_expires_at', 'pending', `'2999-01-01T00:00:00.000Z'`],
        ['submitted_by', 'submitted_by', 'allowed', `'mallory'`],
        ['agent_id', 'agent_id', 'allowed', `'agent-8'`],
        ['risk_level', 'risk_level', 'allowed', `'high'`],
        ['rule_index', 'rule_index', 'allowed', '0'],
        ['policy_hash/profile_hash/runtime_version', 'policy_hash', 'allowed', `'${'ee'.repeat(32)}'`],
        ['created_at', 'created_at', 'pending', `'2020-01-01T00:00:00.000Z'`],
        ['updated_at', 'updated_at', 'done', `'2020-01-01T00:00:00.000Z'`],
        ['idempotency_key', 'idempotency_key', 'allowed', `'k'`],
      ]
      const db = await fresh()
      const x = await threeActions(db)
      const ledger = await db.open(QUIET)
      expect(await ledger.verify()).toMatchObject({ ok: true })
      for (const [field, column, whose, to] of cases) {
        const id = x[whose].id
        const [before] = await db.query<Record<string, unknown>>(`SELECT ${column} AS v FROM actions WHERE id = '${id}'`)
        const v = before!.v
        const literal = v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${(typeof v === 'string' ? v : JSON.stringify(v)).replace(/'/g, "''")}'`
        await db.exec(`UPDATE actions SET ${column} = ${to} WHERE id = '${id}'`)
        const r = await ledger.verify()
        expect(r, column).toMatchObject({ ok: false, reason: 'action_mismatch', action_id: id, field })
        expect(!r.ok && r.message).toContain(id)
        await db.exec(`UPDATE actions SET ${column} = ${literal} WHERE id = '${id}'`)
        expect(await ledger.verify(), `${column} restored`).toMatchObject({ ok: true })
      }
      // The gateway's actions are covered field by field: nothing is left to trust.
      const clean = await ledger.verify()
      expect(clean).toMatchObject({ ok: true, actions: { checked: 3, skipped: 0 } })
      expect(clean.ok && clean.actions!.uncovered).toEqual({})
      await ledger.close()
    })

    it('raises no false alarm while the ledger is being written during verify', async () => {
      const db = await fresh()
      const ledger = await db.open(QUIET)
      const early = await Promise.all(Array.from({ length: 60 }, () => submit(ledger)))
      let writing = true
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          const a = await submit(ledger)
          if (i % 2 === 0) await approveAndRun(ledger, early[i % early.length]!).catch(() => undefined)
          else await approveAndRun(ledger, a)
        }
      })()
      for (let round = 0; round < 5; round++) {
        const v = await ledger.verify()
        expect(v, `round ${round}`).toMatchObject({ ok: true })
        expect(v.ok && v.actions!.checked + v.actions!.skipped).toBeGreaterThanOrEqual(60)
      }
      writing = false
      await writer
      expect(await ledger.verify()).toMatchObject({ ok: true, actions: { skipped: 0 } })
      await ledger.close()
    })

    it('finds a deleted action row, a row no event wrote, and (SQLite) an event moved to another timeline', async () => {
      const db = await fresh()
      const x = await threeActions(db)
      let ledger = await db.open(QUIET)
      await db.exec(`INSERT INTO actions (id, agent_id, tool, operation, status, created_at, updated_at) VALUES ('forged', 'a', 'shell', 'run', 'approved', 'x', 'x')`)
      expect(await ledger.verify()).toMatchObject({ ok: false, reason: 'action_unchained', action_id: 'forged' })
      await db.exec(`DELETE FROM actions WHERE id = 'forged'`)
      await db.exec(`DELETE FROM actions WHERE id = '${x.allowed.id}'`)
      expect(await ledger.verify()).toMatchObject({ ok: false, reason: 'action_missing', action_id: x.allowed.id, seq: 3 })
      await ledger.close()
      if (backend.name === 'sqlite') {
        const other = await fresh()
        const y = await threeActions(other)
        // The approval of `done` filed under `pending`: getEvents(done) would no longer show it.
        const [approved] = await other.query<{ seq: number }>(`SELECT seq FROM action_events WHERE action_id = '${y.done.id}' AND event_type = 'approved'`)
        await other.exec(`UPDATE action_events SET action_pos = (SELECT pos FROM actions WHERE id = '${y.pending.id}') WHERE seq = ${approved!.seq}`)
        ledger = await other.open(QUIET)
        expect(await ledger.verify()).toMatchObject({ ok: false, reason: 'action_mismatch', action_id: y.done.id, field: 'action_pos', seq: approved!.seq })
        await ledger.close()
      }
    })

    it('still verifies a ledger written before stamps, and reports what its events cannot vouch for instead of flagging it', async () => {
      const db = await fresh()
      let ledger = await db.open(QUIET)
      const legacy = await writeLegacy(db, backend.name, 4)
      const v = await ledger.verify()
      expect(v).toMatchObject({ ok: true, checked: 14, actions: { checked: 4, skipped: 0 } })
      const uncovered = v.ok ? v.actions!.uncovered : {}
      // Not said by the old events: the approval token columns, the timestamps of the create, the result.
      expect(uncovered).toMatchObject({ approval_token_hash: 4, approval_expires_at: 4, created_at: 4, result: 4, error: 4, updated_at: 2 })
      // Said by them: the request (params, context through request_hash), the decision, the status by event type.
      for (const f of ['status', 'decision', 'params', 'context', 'agent_id', 'submitted_by', 'policy_hash', 'request_hash']) expect(uncovered[f], f).toBeUndefined()
      // New writes on old actions are stamped and covered.
      await approveAndRun(ledger, legacy[0]!)
      await submit(ledger)
      expect(await ledger.verify()).toMatchObject({ ok: true, actions: { checked: 5, uncovered: { approval_token_hash: 3, updated_at: 1 } } })
      await ledger.close()
      // An uncovered column is not evidence either way; a covered one is checked even on old actions.
      await db.exec(`UPDATE actions SET approval_token_hash = '${'1'.repeat(64)}' WHERE id = '${legacy[1]!.id}'`)
      ledger = await db.open(QUIET)
      expect(await ledger.verify()).toMatchObject({ ok: true })
      await db.exec(`UPDATE actions SET status = 'approved' WHERE id = '${legacy[2]!.id}'`)
      expect(await ledger.verify()).toMatchObject({ ok: false, reason: 'action_mismatch', action_id: legacy[2]!.id, field: 'status' })
      await db.exec(`UPDATE actions SET status = 'pending_approval', decision = 'allow' WHERE id = '${legacy[2]!.id}'`)
      expect(await ledger.verify()).toMatchObject({ ok: false, reason: 'action_mismatch', action_id: legacy[2]!.id, field: 'decision' })
      await ledger.close()
    })

    it('trusts only the keys it is given: checkpoints re-signed with a key added to ledger_keys fail with untrusted_key', async () => {
      const db = await fresh()
      let ledger = await db.open(QUIET)
      await submit(ledger)
      await submit(ledger, 'allow')
      const own = ledger.publicKey()
      await ledger.close()
      const forger = generateKeyPairSync('ed25519')
      const pem = forger.publicKey.export({ type: 'spki', format: 'pem' }).toString()
      const kid = keyIdOf(forger.publicKey)
      for (const cp of await db.query<{ seq: number | string; hash: string; created_at: string }>('SELECT seq, hash, created_at FROM ledger_checkpoints')) {
        const body = { seq: Number(cp.seq), hash: cp.hash, created_at: cp.created_at, key_id: kid }
        const sig = sign(null, Buffer.from(checkpointPayload(body)), forger.privateKey).toString('base64')
        await db.exec(`UPDATE ledger_checkpoints SET key_id = '${kid}', signature = '${sig}' WHERE seq = ${body.seq}`)
      }
      await db.exec(`INSERT INTO ledger_keys (key_id, public_key_pem, created_at) VALUES ('${kid}', '${pem}', '2026-01-01T00:00:00.000Z')`)
      ledger = await db.open({ verifyOnly: true })
      const strict = await ledger.verify({ publicKeys: [own.public_key_pem] })
      expect(strict).toMatchObject({ ok: false, reason: 'untrusted_key', key_id: kid, seq: 4 })
      expect(!strict.ok && strict.message).toContain(kid)
      // Without keys of its own the caller gets the database's keys, and is told which they are.
      const lax = await ledger.verify()
      expect(lax).toMatchObject({ ok: true, checkpoints: { keys: { [kid]: 1 } } })
      expect(lax.database_keys?.sort()).toEqual([own.key_id, kid].sort())
      await ledger.close()
    })

    it('opened verify-only, it reads and verifies but registers no key, signs nothing and refuses writes', async () => {
      const db = await fresh()
      let ledger = await db.open(QUIET)
      await submit(ledger)
      const own = ledger.publicKey().public_key_pem
      await ledger.close()
      const keys = await db.query('SELECT key_id FROM ledger_keys')
      const cps = await db.query('SELECT seq FROM ledger_checkpoints')
      if (backend.name === 'sqlite') await db.exec(`DELETE FROM ledger_keys`)
      ledger = await db.open({ verifyOnly: true, signingKeyPath: `${db.location}.never.pem` })
      expect(await ledger.verify({ actions: true, publicKeys: [own] })).toMatchObject({ ok: true, actions: { checked: 1 } })
      await expect(ledger.createAction(gatewaySubmit().record, gatewaySubmit().events)).rejects.toMatchObject({ code: 'INVALID_INPUT' })
      await expect(ledger.checkpoint()).rejects.toMatchObject({ code: 'INVALID_INPUT' })
      expect(() => ledger.publicKey()).toThrow(/verify-only/)
      await ledger.close()
      expect(await db.query('SELECT seq FROM ledger_checkpoints')).toEqual(cps)
      if (backend.name === 'sqlite') expect(await db.query('SELECT key_id FROM ledger_keys')).toEqual([])
      else expect(await db.query('SELECT key_id FROM ledger_keys')).toEqual(keys)
      expect(existsSync(`${db.location}.never.pem`)).toBe(false)
    })
  })
}
