// Commands on a SQLite database written by a real gateway and on its NDJSON export: policy simulate,
// replay-decision --db and verify-log (database, export, tampering, checkpoint keys).
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Action } from '@faramesh/policy-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, json, REPO, startTestGateway, tempDir, type TestGateway } from './helpers.js'

const DEFAULT_POLICY = readFileSync(join(REPO, 'policies', 'default.yaml'), 'utf8')
/** The default policy with the shell approval rule turned into a deny. */
const STRICT_POLICY = DEFAULT_POLICY.replace(
  'require_approval: true\n    description: "Shell commands require approval"',
  'deny: true\n    description: "No shell at all"',
)

describe('on a database written by a real gateway', () => {
  let gw: TestGateway
  let shell: Action
  let http: Action

  beforeAll(async () => {
    gw = await startTestGateway()
    shell = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'ls' } })
    await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'pwd' } })
    http = await gw.submit({ tool: 'http', operation: 'get', params: { url: 'https://example.com' } })
    await gw.submit({ tool: 'stripe', operation: 'refund', params: { amount: 50 } })
    writeFileSync(join(gw.dir, 'strict.yaml'), STRICT_POLICY)
    writeFileSync(join(gw.dir, 'riskier.yaml'), DEFAULT_POLICY.replace('description: "Allow HTTP GET requests"\n    risk: "low"', 'description: "Allow HTTP GET requests"\n    risk: "medium"'))
    writeFileSync(join(gw.dir, 'no-shell.profile.yaml'), 'id: no-shell\nversion: 1\nallowed_tools: [http, stripe]\n')
  })

  afterAll(async () => {
    await gw?.close()
  })

  it('policy simulate shows the decisions a candidate would change, grouped by rule', async () => {
    const r = await cli(['policy', 'simulate', 'strict.yaml', '--db', gw.dbPath], { cwd: gw.dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Simulated 4 recorded actions against strict.yaml')
    expect(r.stdout).toContain('unchanged: 2   would change: 2')
    expect(r.stdout).toContain('rules[2] "No shell at all" — 2 changes (require_approval → deny ×2)')
    expect(r.stdout).toContain(shell.id.slice(0, 8))
    const j = json<{ considered: number; changed: number; groups: Array<{ rule_index: number; actions: Array<{ id: string }> }> }>(
      await cli(['policy', 'simulate', 'strict.yaml', '--db', gw.dbPath, '--since', '1h', '--json'], { cwd: gw.dir }),
    )
    expect([j.considered, j.changed]).toEqual([4, 2])
    expect(j.groups.map((g) => g.rule_index)).toEqual([2])
    expect(j.groups[0]!.actions.map((a) => a.id)).toContain(shell.id)
    const api = json<{ changed: number; source: string }>(await cli(['policy', 'simulate', 'strict.yaml', '--from-api', '--json'], { cwd: gw.dir, env: gw.env }))
    expect(api).toMatchObject({ changed: 2, source: 'api' })
  })

  it('policy simulate finds nothing to change under the running policy, and --fail-on-change exits 12', async () => {
    const same = await cli(['policy', 'simulate', gw.policyPath, '--db', gw.dbPath, '--fail-on-change'], { cwd: gw.dir })
    expect(same.code).toBe(0)
    expect(same.stdout).toContain('✓ No decision would change.')
    expect((await cli(['policy', 'simulate', 'strict.yaml', '--db', gw.dbPath, '--fail-on-change'], { cwd: gw.dir })).code).toBe(12)
    expect((await cli(['policy', 'simulate', 'strict.yaml', '--since', 'yesterday', '--db', gw.dbPath], { cwd: gw.dir })).code).toBe(2)
  })

  it('policy simulate reports risk-level-only changes in their own group', async () => {
    const r = await cli(['policy', 'simulate', 'riskier.yaml', '--db', gw.dbPath], { cwd: gw.dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('unchanged: 3   would change: 0   risk level only: 1')
    expect(r.stdout).toContain('✓ No decision would change.')
    expect(r.stdout).toContain('Risk level only (same decision) — 1 change (low → medium ×1)')
    expect(r.stdout).toContain(http.id.slice(0, 8))
    const j = json<{ changed: number; risk_changed: number; risk_changes: { transitions: Record<string, number>; actions: Array<{ id: string; old_risk: string; new_risk: string; rule_index: number }> } }>(
      await cli(['policy', 'simulate', 'riskier.yaml', '--db', gw.dbPath, '--json', '--fail-on-change'], { cwd: gw.dir }),
    )
    expect([j.changed, j.risk_changed]).toEqual([0, 1])
    expect(j.risk_changes.transitions).toEqual({ 'low → medium': 1 })
    expect(j.risk_changes.actions).toEqual([expect.objectContaining({ id: http.id, old_risk: 'low', new_risk: 'medium', rule_index: 1 })])
  })

  it('policy simulate --profile groups the decisions the profile would take', async () => {
    const r = await cli(['policy', 'simulate', gw.policyPath, '--db', gw.dbPath, '--profile', 'no-shell.profile.yaml'], { cwd: gw.dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('+ profile no-shell.profile.yaml')
    expect(r.stdout).toContain('profile "Tool "shell" is not allowed by profile no-shell" — 2 changes (require_approval → deny ×2)')
    // The gateway decided these without a profile: the report says so.
    expect(r.stdout).toContain('! 4 of them were decided under another profile than profile no-shell.profile.yaml')
  })

  it('replay-decision --db compares a stored decision with the given policy', async () => {
    const same = await cli(['replay-decision', http.id.slice(0, 8), '--db', gw.dbPath, '--policy', gw.policyPath])
    expect(same.code).toBe(0)
    expect(same.stdout).toContain('✓ Identical decision, byte for byte.')
    const changed = await cli(['replay-decision', shell.id.slice(0, 8), '--db', gw.dbPath, '--policy', join(gw.dir, 'strict.yaml'), '--json'])
    expect(changed.code).toBe(12)
    const fields = json<{ fields: Array<{ field: string; stored: unknown; now: unknown; match: boolean }> }>(changed).fields
    expect(fields.find((f) => f.field === 'decision')).toMatchObject({ stored: 'require_approval', now: 'deny', match: false })
    expect(fields.find((f) => f.field === 'request_hash')?.match).toBe(true)
    // Same outcome under a different policy: a note, not a failure, unless --strict.
    const loose = await cli(['replay-decision', http.id, '--db', gw.dbPath, '--policy', join(gw.dir, 'strict.yaml')])
    expect(loose.code).toBe(0)
    expect(loose.stdout).toContain('Same outcome; policy_hash, provenance_id changed')
    expect((await cli(['replay-decision', http.id, '--db', gw.dbPath, '--policy', join(gw.dir, 'strict.yaml'), '--strict'])).code).toBe(12)
  })

  it('replay-decision --db without --policy takes the policy the gateway would load (FARAMESH_POLICY_FILE too)', async () => {
    const r = await cli(['replay-decision', shell.id, '--db', gw.dbPath, '--json'], { cwd: gw.dir, env: { FARAMESH_POLICY_FILE: 'strict.yaml' } })
    expect(r.code).toBe(12)
    expect(json<{ fields: Array<{ field: string; now: unknown }> }>(r).fields.find((f) => f.field === 'decision')?.now).toBe('deny')
    const bad = await cli(['replay-decision', shell.id, '--db', gw.dbPath], { cwd: gw.dir, env: { FARAMESH_POLICY_FILE: 'strict.yaml', FARAMESH_PORT: 'x' } })
    expect(bad.code).toBe(7)
    expect(bad.stderr).toMatch(/^Error: FARAMESH_PORT: expected an integer/)
  })

  it('verify-log checks the database file and an NDJSON export with the public key, and catches tampering', async () => {
    const db = await cli(['verify-log', '--db', gw.dbPath])
    expect(db.code).toBe(0)
    expect(db.stdout).toMatch(/✓ Ledger verified: 8 events, head seq 8/)

    const exportText = await (await fetch(`${gw.url}/v1/ledger/export`)).text()
    const key = (await (await fetch(`${gw.url}/v1/ledger/public-key`)).json()) as { public_key_pem: string }
    const dir = tempDir()
    writeFileSync(join(dir, 'export.ndjson'), exportText)
    writeFileSync(join(dir, 'ledger.pub.pem'), key.public_key_pem)
    const ok = json<{ ok: boolean; checked: number }>(await cli(['verify-log', '--ndjson', 'export.ndjson', '--public-key', 'ledger.pub.pem', '--json'], { cwd: dir }))
    expect(ok).toMatchObject({ ok: true, checked: 8 })

    // Rewrite history: the first shell action now claims to be an http call.
    expect(exportText).toContain('"tool":"shell"')
    writeFileSync(join(dir, 'tampered.ndjson'), exportText.replace('"tool":"shell"', '"tool":"http"'))
    const bad = await cli(['verify-log', '--ndjson', 'tampered.ndjson', '--public-key', 'ledger.pub.pem'], { cwd: dir })
    expect(bad.code).toBe(11)
    expect(bad.stdout).toMatch(/✗ Ledger verification failed at seq \d+: hash_mismatch/)
    expect(bad.stderr).toMatch(/^Error: The audit log does not verify \(hash_mismatch at seq \d+\)$/m)
  })

  it('verify-log checks signed checkpoints against the key given, for an export or a database file', async () => {
    const checkpoint = await gw.handle.ledger.checkpoint()
    expect(checkpoint).not.toBeNull()
    const dir = tempDir()
    const key = (await (await fetch(`${gw.url}/v1/ledger/public-key`)).json()) as { key_id: string; public_key_pem: string }
    writeFileSync(join(dir, 'trusted.pem'), key.public_key_pem)
    writeFileSync(join(dir, 'other.pem'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString())
    const good = await cli(['verify-log', '--db', gw.dbPath, '--public-key', 'trusted.pem', '--json'], { cwd: dir })
    expect(good.code).toBe(0)
    expect(json<{ ok: boolean; key_source: string }>(good)).toMatchObject({ ok: true, key_source: 'file' })
    const wrongDb = await cli(['verify-log', '--db', gw.dbPath, '--public-key', 'other.pem'], { cwd: dir })
    expect(wrongDb.code).toBe(11)
    expect(wrongDb.stdout).toContain(`untrusted_key — checkpoint at seq ${checkpoint!.seq} is signed by key ${key.key_id}`)
    writeFileSync(join(dir, 'export.ndjson'), await (await fetch(`${gw.url}/v1/ledger/export`)).text())
    const wrongExport = json<{ ok: boolean; reason: string }>(await cli(['verify-log', '--ndjson', 'export.ndjson', '--public-key', 'other.pem', '--json'], { cwd: dir }))
    expect(wrongExport).toMatchObject({ ok: false, reason: 'untrusted_key', key_id: key.key_id })
  })

  it('verify-log on a missing database file is exit 3, not an empty chain', async () => {
    const r = await cli(['verify-log', '--db', join(tempDir(), 'nope.db')])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('Database file not found')
  })
})
