import { Args, Flags } from '@oclif/core'
import { ruleRef } from '@faramesh/policy-core/wire'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { BaseCommand } from '../../base-command.js'
import { CliError } from '../../errors.js'
import { suggest } from '../../invocation.js'
import { paint, paintDecision } from '../../output/color.js'
import { renderTable } from '../../output/table.js'
import { runCases, type CaseResult, type SuiteResult } from '../../policy/run-tests.js'
import { parseTestFile } from '../../policy/test-file.js'

interface FileReport extends SuiteResult {
  file: string
  policy: string
  profile: string | null
  policy_hash: string
}

function testFiles(target: string): string[] {
  let st
  try {
    st = statSync(target)
  } catch {
    throw new CliError('NOT_FOUND', `No such test file or folder: ${target}`, { hint: `Create one with ${suggest('init')}, or pass a path.` })
  }
  if (!st.isDirectory()) return [target]
  const files = readdirSync(target)
    .filter((f) => f.endsWith('.test.yaml') || f.endsWith('.test.yml'))
    .sort()
    .map((f) => join(target, f))
  if (files.length === 0) throw new CliError('NOT_FOUND', `No *.test.yaml files in ${target}`)
  return files
}

const rel = (p: string): string => relative(process.cwd(), p) || p

export class PolicyTest extends BaseCommand<typeof PolicyTest> {
  static override summary = 'Run YAML test cases against a policy, with rule coverage'
  static override description = `Each case is a request and the decision expected for it (decision, outcome, reason_code, reason,
reason_contains, risk, rule_index, risk_rule). Cases run through the same decide() as the gateway. The report
lists failures and the rules no case exercised. Exits with 10 when a case fails.

File format:
  policy: ../default.yaml            # relative to the test file
  profile: ../profile.yaml           # optional execution profile, checked first as in the gateway
  cases:
    - name: shell needs approval
      request: { tool: shell, operation: run, params: { cmd: ls } }
      expect: { decision: require_approval, risk: medium }`
  static override examples = [
    '<%= config.bin %> policy test',
    '<%= config.bin %> policy test policies/tests/default.test.yaml',
    '<%= config.bin %> policy test policies/tests --json',
    '<%= config.bin %> policy test cases.yaml --policy candidate.yaml',
  ]
  static override args = {
    file: Args.string({ description: 'Test file, or a folder of *.test.yaml files', default: 'policies/tests' }),
  }
  static override flags = {
    policy: Flags.string({ char: 'p', description: "Policy file to test (overrides the test file's `policy:`)" }),
  }

  async run(): Promise<void> {
    const { loadPolicyFile, loadProfileFile } = await import('@faramesh/policy-core/node')
    const { decide } = await import('@faramesh/decision')
    const { assessRisk } = await import('@faramesh/risk')
    const reports: FileReport[] = []
    for (const file of testFiles(resolve(this.args.file))) {
      const spec = parseTestFile(readFileSync(file, 'utf8'), rel(file))
      const policyFile = this.flags.policy ? resolve(this.flags.policy) : spec.policy ? resolve(dirname(file), spec.policy) : null
      if (!policyFile) throw new CliError('USAGE', `${rel(file)} names no policy: add \`policy: <file>\` or pass --policy`)
      const { policy } = loadPolicyFile(policyFile)
      const profileFile = spec.profile ? resolve(dirname(file), spec.profile) : null
      const profile = profileFile ? loadProfileFile(profileFile).profile : null
      const suite = runCases(
        policy,
        spec.cases,
        (request) => decide({ policy, profile }, request),
        (request) => assessRisk(policy, request).rule,
      )
      reports.push({ file: rel(file), policy: rel(policyFile), profile: profileFile ? rel(profileFile) : null, policy_hash: policy.hash, ...suite })
    }
    const passed = reports.reduce((n, r) => n + r.passed, 0)
    const failed = reports.reduce((n, r) => n + r.failed, 0)
    this.output({ ok: failed === 0, passed, failed, files: reports }, () => [
      ...reports.flatMap((r) => this.renderFile(r)),
      ...(reports.length > 1 ? [`Total: ${passed} passed, ${failed} failed (${reports.length} files)`] : []),
    ])
    if (failed > 0) this.fail('POLICY_TEST_FAILED', `${failed} policy test case${failed === 1 ? '' : 's'} failed`)
  }

  private renderFile(r: FileReport): string[] {
    const cell = (c: CaseResult, side: 'expected' | 'actual'): string => {
      const keys = side === 'expected' ? Object.keys(c.expect) : c.passed ? ['decision'] : c.mismatches.map((m) => m.key)
      return keys
        .map((k) => {
          const miss = c.mismatches.find((m) => m.key === k)
          const value = side === 'expected' ? c.expect[k as keyof CaseResult['expect']] : miss ? miss.actual : c.actual.decision
          const text = value === null ? 'null' : String(value)
          return k === 'decision' ? `${k}=${paintDecision(text)}` : `${k}=${text}`
        })
        .join(' ')
    }
    const cov = r.coverage
    const lines = [
      `${paint('bold', r.file)} → ${r.policy}${r.profile ? ` + profile ${r.profile}` : ''} ${paint('dim', `(policy_hash ${r.policy_hash.slice(0, 12)})`)}`,
      renderTable(
        ['#', 'Case', 'Expected', 'Actual', 'Result'],
        r.cases.map((c, i) => [String(i + 1), c.name, cell(c, 'expected'), cell(c, 'actual'), c.passed ? paint('green', 'PASS') : paint('red', 'FAIL')]),
        { maxWidths: [undefined, 48, 80, 80, undefined] },
      ),
      `${r.passed} passed, ${r.failed} failed`,
      `Rule coverage: ${cov.rules_exercised}/${cov.rules_total} rules exercised` +
        (cov.risk_rules_total > 0 ? `, ${cov.risk_rules_exercised}/${cov.risk_rules_total} risk rule${cov.risk_rules_total === 1 ? '' : 's'}` : ''),
    ]
    for (const u of cov.unexercised_rules) lines.push(paint('yellow', `  never matched: ${ruleRef(u.rule_index)} ${u.effect}${u.description ? ` "${u.description}"` : ''}`))
    for (const u of cov.unexercised_risk_rules) lines.push(paint('yellow', `  never matched: risk rule "${u.name}"`))
    lines.push('')
    return lines
  }
}
