// policy test and policy-diff on real policy files, and the policies/ folder of this repository.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, json, REPO, tempDir } from './helpers.js'

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

  it('passes `faramesh policy test` on each, every rule exercised by some case', async () => {
    const r = await cli(['policy', 'test', join(REPO, 'policies', 'tests'), '--json'], { cwd: REPO })
    expect(r.code, r.stdout).toBe(0)
    type FileReport = { policy: string; failed: number; coverage: { unexercised_rules: Array<{ rule_index: number }>; unexercised_risk_rules: Array<{ name: string }> } }
    const report = json<{ ok: boolean; files: FileReport[] }>(r)
    expect(report.ok).toBe(true)
    const byPolicy = new Map<string, FileReport[]>()
    for (const f of report.files) byPolicy.set(f.policy.replace('policies/', ''), [...(byPolicy.get(f.policy.replace('policies/', '')) ?? []), f])
    expect([...byPolicy.keys()].sort()).toEqual([...policies].sort())
    for (const [policy, files] of byPolicy) {
      for (const f of files) expect(f.failed, policy).toBe(0)
      // A rule counts as covered when any test file of the policy exercises it.
      const never = (pick: (f: FileReport) => string[]) => files.map(pick).reduce((a, b) => a.filter((x) => b.includes(x)))
      expect(never((f) => f.coverage.unexercised_rules.map((u) => `rules[${u.rule_index}]`)), policy).toEqual([])
      expect(never((f) => f.coverage.unexercised_risk_rules.map((u) => u.name)), policy).toEqual([])
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
