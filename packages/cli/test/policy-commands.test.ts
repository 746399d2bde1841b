// policy test / simulate / diff, verify-log and replay-decision on real files: policies on disk, a SQLite
// database written by a real gateway, and its NDJSON export.
import { generateKeyPairSync } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
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

describe('the policies/ folder', () => {
  const policies = readdirSync(join(REPO, 'policies')).filter((f) => f.endsWith('.yaml') && !f.startsWith('profile'))

  it('has a test file for every policy', () => {
    expect(policies.length).toBeGreaterThanOrEqual(5)
    const tests = readdirSync(join(REPO, 'policies', 'tests'))
    for (const p of policies) expect(tests, p).toContain(p.replace(/\.yaml$/, '.test.yaml'))
  })

  it('passes `faramesh policy test` on each, exercising every rule', async () => {
    const r = await cli(['policy', 'test', join(REPO, 'policies', 'tests'), '--json'], { cwd: REPO })
    expect(r.code, r.stdout).toBe(0)
    const report = json<{ ok: boolean; files: Array<{ policy: string; failed: number; coverage: { unexercised_rules: unknown[]; unexercised_risk_rules: unknown[] } }> }>(r)
    expect(report.ok).toBe(true)
    expect(report.files.map((f) => f.policy.replace('policies/', '')).sort()).toEqual([...policies].sort())
    for (const f of report.files) {
      expect(f.failed, f.policy).toBe(0)
      expect(f.coverage.unexercised_rules, f.policy).toEqual([])
      expect(f.coverage.unexercised_risk_rules, f.policy).toEqual([])
    }
  })
})

describe('policy test', () => {
  it('prints a pass/fail table, the rules never exercised, and exits 10 on failure', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'policy.yaml'), DEFAULT_POLICY)
    writeFileSync(
      join(dir, 'cases.test.yaml'),
      [
        'policy: policy.yaml',
        'cases:',
        '  - name: http get allowed',
        '    request: { tool: http, operation: get }',
        '    expect: { decision: allow, risk: low }',
        '  - name: wrong on purpose',
        '    request: { tool: shell, operation: run, params: { cmd: ls } }',
        '    expect: { decision: allow, reason_code: POLICY_ALLOW }',
      ].join('\n'),
    )
    const r = await cli(['policy', 'test', 'cases.test.yaml'], { cwd: dir })
    expect(r.code).toBe(10)
    expect(r.stdout).toMatch(/│ 1 │ http get allowed\s+│ decision=allow risk=low\s+│ decision=allow\s+│ PASS\s+│/)
    expect(r.stdout).toMatch(/│ 2 │ wrong on purpose\s+│ decision=allow reason_code=POLICY_ALLOW\s+│ decision=require_approval reason_code=POLICY_REQUIRE_APPROVAL │ FAIL\s+│/)
    expect(r.stdout).toContain('Rule coverage: 2/6 rules exercised, 0/2 risk rules')
    expect(r.stdout).toContain('never matched: rules[0] deny "Block destructive commands"')
    expect(r.stderr).toBe('Error: 1 policy test case failed\n')
    const j = await cli(['policy', 'test', 'cases.test.yaml', '--json'], { cwd: dir })
    expect(j.code).toBe(10)
    const report = json<{ ok: boolean; files: Array<{ cases: Array<{ passed: boolean; mismatches: unknown[] }> }> }>(j)
    expect(report.ok).toBe(false)
    expect(report.files[0]!.cases[1]!.mismatches).toEqual([
      { key: 'decision', expected: 'allow', actual: 'require_approval' },
      { key: 'reason_code', expected: 'POLICY_ALLOW', actual: 'POLICY_REQUIRE_APPROVAL' },
    ])
  })

  it('reports every problem of an invalid policy with its line (exit 7)', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'bad.yaml'), 'rules:\n  - match: { tool: shell, pattern: "(" }\n    allow: true\n  - match: { toool: x }\n    deny: true\n')
    writeFileSync(join(dir, 't.test.yaml'), 'policy: bad.yaml\ncases:\n  - request: { tool: a, operation: b }\n    expect: { decision: deny }\n')
    const r = await cli(['policy', 'test', 't.test.yaml'], { cwd: dir })
    expect(r.code).toBe(7)
    expect(r.stderr).toMatch(/bad\.yaml:2:\d+ rules\[0\]\.match\.pattern: /)
    expect(r.stderr).toMatch(/bad\.yaml:4:\d+ rules\[1\]\.match\.toool: /)
  })

  it('rejects a malformed test file naming the case (exit 7) and a missing one (exit 3)', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 't.test.yaml'), 'policy: x.yaml\ncases:\n  - request: { tool: a }\n    expect: { decision: deny }\n')
    const r = await cli(['policy', 'test', 't.test.yaml'], { cwd: dir })
    expect(r.code).toBe(7)
    expect(r.stderr).toBe('Error: t.test.yaml: cases[0].request.operation: must be a non-empty string\n')
    expect((await cli(['policy', 'test', 'nope.yaml'], { cwd: dir })).code).toBe(3)
  })
})

describe('policy-diff', () => {
  it('lists added, removed, changed and moved rules', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'old.yaml'), DEFAULT_POLICY)
    const next = STRICT_POLICY.replace('rules:\n', 'rules:\n  - match: { tool: email, op: send }\n    allow: true\n    description: "Allow email"\n')
    writeFileSync(join(dir, 'new.yaml'), next)
    const r = await cli(['policy-diff', 'old.yaml', 'new.yaml'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Old rules: 6\nNew rules: 7')
    expect(r.stdout).toContain('Added rules:\n  + rules[0] allow: Allow email')
    expect(r.stdout).toContain('~ rules[3] No shell at all: effect require_approval → deny, description Shell commands require approval → No shell at all')
    const j = json<{ same: boolean; added: unknown[]; removed: unknown[]; changed: unknown[] }>(await cli(['policy', 'diff', 'old.yaml', 'new.yaml', '--json'], { cwd: dir }))
    expect([j.same, j.added.length, j.removed.length, j.changed.length]).toEqual([false, 1, 0, 1])
    expect((await cli(['policy-diff', 'old.yaml', 'new.yaml', '--exit-code'], { cwd: dir })).code).toBe(1)
    const same = await cli(['policy-diff', 'old.yaml', 'old.yaml', '--exit-code'], { cwd: dir })
    expect(same.code).toBe(0)
    expect(same.stdout).toContain('No differences (same policy_hash).')
  })

  it('flags a reordering, which can change the first match', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'a.yaml'), 'rules:\n  - match: { tool: a }\n    allow: true\n  - match: { tool: "*" }\n    deny: true\n')
    writeFileSync(join(dir, 'b.yaml'), 'rules:\n  - match: { tool: "*" }\n    deny: true\n  - match: { tool: a }\n    allow: true\n')
    const r = await cli(['policy-diff', 'a.yaml', 'b.yaml', '--json'], { cwd: dir })
    expect(json<{ moved: Array<{ old_index: number; new_index: number }> }>(r).moved).toEqual([{ old_index: 0, new_index: 1, description: 'allow when tool=a' }])
  })
})

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
    const key = (await (await fetch(`${gw.url}/v1/ledger/public-key`)).json()) as { public_key_pem: string }
    writeFileSync(join(dir, 'trusted.pem'), key.public_key_pem)
    writeFileSync(join(dir, 'other.pem'), generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString())
    const good = await cli(['verify-log', '--db', gw.dbPath, '--public-key', 'trusted.pem', '--json'], { cwd: dir })
    expect(good.code).toBe(0)
    expect(json<{ ok: boolean; key_source: string }>(good)).toMatchObject({ ok: true, key_source: 'file' })
    const wrongDb = await cli(['verify-log', '--db', gw.dbPath, '--public-key', 'other.pem'], { cwd: dir })
    expect(wrongDb.code).toBe(11)
    expect(wrongDb.stdout).toContain('bad_signature')
    writeFileSync(join(dir, 'export.ndjson'), await (await fetch(`${gw.url}/v1/ledger/export`)).text())
    const wrongExport = json<{ ok: boolean; reason: string }>(await cli(['verify-log', '--ndjson', 'export.ndjson', '--public-key', 'other.pem', '--json'], { cwd: dir }))
    expect(wrongExport).toMatchObject({ ok: false, reason: 'bad_signature' })
  })

  it('verify-log on a missing database file is exit 3, not an empty chain', async () => {
    const r = await cli(['verify-log', '--db', join(tempDir(), 'nope.db')])
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('Database file not found')
  })
})
