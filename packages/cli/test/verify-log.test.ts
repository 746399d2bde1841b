// verify-log as an auditor uses it, on databases written by a real gateway: a graceful shutdown leaves nothing
// unsigned, an edited actions row is named, only keys the operator provides are trusted (and the report says which
// and from where), and a database given with --db is evidence that is never modified.
import { createHash, createPublicKey, generateKeyPairSync, sign } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Action } from '@faramesh/policy-core'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { cli, json, startTestGateway, submitOneOfEach, tempDir, type TestGateway } from './helpers.js'

/** A gateway that ran, wrote one action of each kind and was shut down gracefully; its directory stays. */
async function stoppedGateway(): Promise<{ gw: TestGateway; pending: Action; allowed: Action; denied: Action }> {
  const gw = await startTestGateway()
  const actions = await submitOneOfEach(gw)
  await gw.handle.close()
  return { gw, ...actions }
}

/** Every file of a directory with its bytes' digest, size and mtime. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const name of readdirSync(dir).sort()) {
    const s = statSync(join(dir, name))
    out[name] = `${createHash('sha256').update(readFileSync(join(dir, name))).digest('hex')} ${s.size} ${s.mtimeMs}`
  }
  return out
}

const sql = (path: string, text: string) => {
  const db = new Database(path)
  try {
    db.exec(text)
  } finally {
    db.close()
  }
}

describe('verify-log', () => {
  it('finds nothing unsigned after a graceful shutdown, so events cut off afterwards fail verification', async () => {
    const { gw, denied } = await stoppedGateway()
    const ok = await cli(['verify-log', '--db', gw.dbPath])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('✓ Ledger verified: 6 events, head seq 6')
    expect(ok.stdout).toContain('checkpoints: 1, the last at seq 6: every event is covered by a signature')
    // The last action, row and events, cut off: the rest is a consistent chain on its own.
    sql(gw.dbPath, `DELETE FROM action_events WHERE seq > 4; DELETE FROM actions WHERE id = '${denied.id}'`)
    const cut = await cli(['verify-log', '--db', gw.dbPath])
    expect(cut.code).toBe(11)
    expect(cut.stdout).toContain('✗ Ledger verification failed at seq 5: truncated')
    expect(cut.stderr).toBe('Error: The audit log does not verify (truncated at seq 5)\n')
    rmSync(gw.dir, { recursive: true, force: true })
  })

  it('says plainly how many events of a running gateway no signature covers yet', async () => {
    const gw = await startTestGateway()
    try {
      await submitOneOfEach(gw)
      const none = await cli(['verify-log', '--db', gw.dbPath])
      expect(none.stdout).toContain('checkpoints: none yet, so no signature covers any of the 6 events')
      await gw.handle.ledger.checkpoint()
      await gw.submit({ tool: 'http', operation: 'get', params: { url: 'https://example.com' } })
      const j = json<{ ok: boolean; checkpoints: { count: number; last_seq: number; unsigned: number } }>(await cli(['verify-log', '--db', gw.dbPath, '--json']))
      expect(j).toMatchObject({ ok: true, checkpoints: { count: 1, last_seq: 6, unsigned: 2 } })
      expect((await cli(['verify-log', '--db', gw.dbPath])).stdout).toContain('2 events after it are not covered by any signature yet')
    } finally {
      await gw.close()
    }
  })

  it('names the action and the field when the actions table was edited behind the ledger', async () => {
    const { gw, pending, allowed } = await stoppedGateway()
    const clean = await cli(['verify-log', '--db', gw.dbPath])
    expect(clean.stdout).toContain('actions: 3 rows follow from their events')
    sql(gw.dbPath, `UPDATE actions SET status = 'approved' WHERE id = '${pending.id}'`)
    const status = await cli(['verify-log', '--db', gw.dbPath])
    expect(status.code).toBe(11)
    expect(status.stdout).toContain(`action_mismatch — action ${pending.id}: status is "approved" in the actions table, but its events (seq 2) say "pending_approval"`)
    expect(status.stderr).toBe(`Error: The audit log does not verify (action_mismatch at seq 2): action ${pending.id}, field status\n`)
    sql(gw.dbPath, `UPDATE actions SET status = 'pending_approval' WHERE id = '${pending.id}'; UPDATE actions SET params = '{"url":"https://evil.example"}' WHERE id = '${allowed.id}'`)
    const params = json<{ ok: boolean; reason: string; action_id: string; field: string }>(await cli(['verify-log', '--db', gw.dbPath, '--json']))
    expect(params).toMatchObject({ ok: false, reason: 'action_mismatch', action_id: allowed.id, field: 'params/context' })
    rmSync(gw.dir, { recursive: true, force: true })
  })

  it('catches an edited row through a running gateway too (its own check of the actions table)', async () => {
    const gw = await startTestGateway()
    try {
      const { denied } = await submitOneOfEach(gw)
      expect((await cli(['verify-log'], { env: gw.env })).stdout).toContain('actions: 3 rows follow from their events (checked by the gateway)')
      sql(gw.dbPath, `UPDATE actions SET decision = 'allow', status = 'allowed' WHERE id = '${denied.id}'`)
      const r = await cli(['verify-log'], { env: gw.env })
      expect(r.code).toBe(11)
      expect(r.stderr).toContain(`(action_mismatch at seq 6): action ${denied.id}, field status`)
    } finally {
      await gw.close()
    }
  })

  it('trusts only keys the operator provides: checkpoints re-signed with a key added to the database fail, naming it', async () => {
    const { gw } = await stoppedGateway()
    const forger = generateKeyPairSync('ed25519')
    const pem = forger.publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const kid = createHash('sha256').update(forger.publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)
    const db = new Database(gw.dbPath)
    const own = (db.prepare('SELECT key_id FROM ledger_keys').pluck().get() as string)
    for (const cp of db.prepare('SELECT seq, hash, created_at FROM ledger_checkpoints').all() as Array<{ seq: number; hash: string; created_at: string }>) {
      const payload = JSON.stringify({ created_at: cp.created_at, hash: cp.hash, key_id: kid, seq: cp.seq })
      db.prepare('UPDATE ledger_checkpoints SET key_id = ?, signature = ? WHERE seq = ?').run(kid, sign(null, Buffer.from(payload), forger.privateKey).toString('base64'), cp.seq)
    }
    db.prepare('INSERT INTO ledger_keys (key_id, public_key_pem, created_at) VALUES (?, ?, ?)').run(kid, pem, new Date().toISOString())
    db.close()

    const r = await cli(['verify-log', '--db', gw.dbPath])
    expect(r.code).toBe(11)
    expect(r.stdout).toContain(`untrusted_key — checkpoint at seq 6 is signed by key ${kid}, which is not one of the trusted keys`)
    expect(r.stdout).toContain(`    ${own}  from signing key file ${gw.dbPath}.signing-key.pem (the default beside the database), signed 0 checkpoints`)
    expect(r.stdout).toContain(`  not trusted: ${kid} (only in the database's ledger_keys)`)
    expect(r.stderr).toBe(`Error: The audit log does not verify (untrusted_key at seq 6): its checkpoints are signed by key ${kid}, which you did not provide\n`)

    // Given on purpose, the new key is trusted, and the report says where it came from.
    const dir = tempDir()
    writeFileSync(join(dir, 'new.pub.pem'), pem)
    const given = json<{ ok: boolean; key_source: string; trusted_keys: Array<{ key_id: string; source: string; checkpoints: number }>; untrusted_database_keys: string[] }>(
      await cli(['verify-log', '--db', gw.dbPath, '--public-key', 'new.pub.pem', '--json'], { cwd: dir }),
    )
    expect(given).toMatchObject({ ok: true, key_source: 'file', trusted_keys: [{ key_id: kid, source: '--public-key new.pub.pem', checkpoints: 1 }], untrusted_database_keys: [own] })
    rmSync(gw.dir, { recursive: true, force: true })
  })

  it('uses FARAMESH_SIGNING_KEY_FILE as the gateway does, fails without any key to trust, and refuses a bad --public-key in one line', async () => {
    const dir = tempDir()
    const keyFile = join(dir, 'ledger-key.pem')
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())
    const gw = await startTestGateway({ env: { FARAMESH_SIGNING_KEY_FILE: keyFile } })
    await submitOneOfEach(gw)
    await gw.handle.close()
    const env = { FARAMESH_SIGNING_KEY_FILE: keyFile }
    const ok = await cli(['verify-log', '--db', gw.dbPath], { env })
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain(`from signing key file ${keyFile} (FARAMESH_SIGNING_KEY_FILE), signed 1 checkpoint`)
    // Without the variable, the default file beside the database does not exist: nothing to trust, and none is made.
    const none = await cli(['verify-log', '--db', gw.dbPath])
    expect(none.code).toBe(11)
    expect(none.stdout).toContain(`trusted keys: none (no signing key file to trust: ${gw.dbPath}.signing-key.pem (the default beside the database) does not exist)`)
    expect(existsSync(`${gw.dbPath}.signing-key.pem`)).toBe(false)
    const missing = await cli(['verify-log', '--db', gw.dbPath, '--public-key', join(dir, 'nope.pem')])
    expect([missing.code, missing.stderr]).toEqual([3, `Error: Cannot read public key ${join(dir, 'nope.pem')}: ENOENT\n`])
    writeFileSync(join(dir, 'not-a-key.pem'), 'hello')
    const bad = await cli(['verify-log', '--db', gw.dbPath, '--public-key', join(dir, 'not-a-key.pem')])
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toBe(`Error: ${join(dir, 'not-a-key.pem')} is not an Ed25519 public key in PEM form\n`)
    await gw.close()
  })

  it('passes in the README flow (a local gateway and its default key file) and trusts no key the gateway only reports', async () => {
    const gw = await startTestGateway()
    try {
      await submitOneOfEach(gw)
      await gw.handle.ledger.checkpoint()
      const kid = gw.handle.ledger.publicKey().key_id
      // Run where the gateway's configuration resolves to the same database, as `pnpm faramesh` from the repository root.
      const r = await cli(['verify-log'], { cwd: gw.dir, env: { ...gw.env, FARA_SQLITE_PATH: 'actions.db' } })
      expect(r.code).toBe(0)
      expect(r.stdout).toContain(`    ${kid}  from signing key file ${gw.dbPath}.signing-key.pem (the gateway default beside FARA_SQLITE_PATH), signed 1 checkpoint`)
      const elsewhere = await cli(['verify-log'], { cwd: tempDir(), env: gw.env })
      expect(elsewhere.code).toBe(11)
      expect(elsewhere.stdout).toContain(`the gateway signs with key ${kid}, which you did not provide: not trusted`)
      expect(elsewhere.stderr).toBe(`Error: The audit log does not verify (untrusted_key at seq 6): its checkpoints are signed by key ${kid}, which you did not provide\n`)
    } finally {
      await gw.close()
    }
  })

  it('treats --db as evidence: no file beside it is created or changed, and a -wal holding committed data is read', async () => {
    const { gw, pending } = await stoppedGateway()
    // A plain copy of the file alone (the gateway's close left no WAL), before the change below.
    const bare = join(tempDir(), 'copy')
    mkdirSync(bare)
    copyFileSync(join(gw.dir, 'actions.db'), join(bare, 'actions.db'))
    const evidence = tempDir()
    // A WAL with a committed change the database file does not have yet (no checkpoint copied it back).
    const writer = new Database(gw.dbPath)
    writer.pragma('wal_autocheckpoint = 0')
    writer.prepare(`UPDATE actions SET status = 'approved' WHERE id = ?`).run(pending.id)
    // Files only: the gateway's lease directory (actions.db.gateways/) is not part of the evidence.
    for (const name of readdirSync(gw.dir).filter((n) => n.startsWith('actions.db'))) {
      if (!name.endsWith('-shm') && statSync(join(gw.dir, name)).isFile()) copyFileSync(join(gw.dir, name), join(evidence, name))
    }
    writer.close()
    expect(readdirSync(evidence).sort()).toEqual(['actions.db', 'actions.db-wal', 'actions.db.signing-key.pem'])
    const before = snapshot(evidence)
    const r = await cli(['verify-log', '--db', join(evidence, 'actions.db')])
    expect(r.code).toBe(11)
    expect(r.stdout).toContain(`action ${pending.id}: status is "approved"`)
    expect(snapshot(evidence)).toEqual(before)

    // No key file is created beside a database that has none, and no -wal/-shm appear beside a plain file.
    const key = join(tempDir(), 'gw.pub.pem')
    writeFileSync(key, createPublicKey(readFileSync(`${gw.dbPath}.signing-key.pem`)).export({ type: 'spki', format: 'pem' }))
    const plain = snapshot(bare)
    const ok = await cli(['verify-log', '--db', join(bare, 'actions.db'), '--public-key', key])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('(verified on a private copy; the file was not modified)')
    expect(snapshot(bare)).toEqual(plain)
    rmSync(gw.dir, { recursive: true, force: true })
  })

  it('the other offline readers (replay-decision, policy simulate) create no key file and record no key either', async () => {
    const { gw, allowed } = await stoppedGateway()
    rmSync(`${gw.dbPath}.signing-key.pem`)
    const keys = () => {
      const db = new Database(gw.dbPath, { readonly: true })
      try {
        return db.prepare('SELECT key_id FROM ledger_keys').all()
      } finally {
        db.close()
      }
    }
    const before = keys()
    expect((await cli(['replay-decision', allowed.id, '--db', gw.dbPath, '--policy', gw.policyPath])).code).toBe(0)
    expect((await cli(['policy', 'simulate', gw.policyPath, '--db', gw.dbPath], { cwd: gw.dir })).code).toBe(0)
    expect(existsSync(`${gw.dbPath}.signing-key.pem`)).toBe(false)
    expect(keys()).toEqual(before)
    rmSync(gw.dir, { recursive: true, force: true })
  })
})
