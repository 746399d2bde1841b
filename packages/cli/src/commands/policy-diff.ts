import { Args, Flags } from '@oclif/core'
import { ruleRef } from '@faramesh/policy-core/wire'
import { BaseCommand } from '../base-command.js'
import { paint } from '../output/color.js'
import type { PolicyDiff } from '../policy/diff.js'

function render(d: PolicyDiff, oldFile: string, newFile: string): string[] {
  const lines = [paint('bold', 'Policy Differences:'), '', `Old: ${oldFile} ${paint('dim', d.old_hash.slice(0, 12))}`, `New: ${newFile} ${paint('dim', d.new_hash.slice(0, 12))}`, '']
  if (d.same) return [...lines, 'No differences (same policy_hash).']
  lines.push(`Old rules: ${d.old_rules}`, `New rules: ${d.new_rules}`)
  const section = (title: string, items: string[]): void => {
    if (items.length > 0) lines.push('', `${title}:`, ...items)
  }
  section('Added rules', d.added.map((r) => paint('green', `  + ${ruleRef(r.rule_index)} ${r.effect}: ${r.description}`)))
  section('Removed rules', d.removed.map((r) => paint('red', `  - ${ruleRef(r.rule_index)} ${r.effect}: ${r.description}`)))
  section(
    'Changed rules',
    d.changed.map((c) => paint('yellow', `  ~ ${ruleRef(c.new.rule_index)} ${c.new.description}: ${c.changes.map((x) => `${x.field} ${x.old ?? '-'} → ${x.new ?? '-'}`).join(', ')}`)),
  )
  section('Moved rules (first match may differ)', d.moved.map((m) => paint('yellow', `  ↕ ${ruleRef(m.old_index)} → ${ruleRef(m.new_index)} ${m.description}`)))
  const rr = d.risk_rules
  section('Risk rules', [
    ...rr.added.map((n) => paint('green', `  + ${n}`)),
    ...rr.removed.map((n) => paint('red', `  - ${n}`)),
    ...rr.changed.map((n) => paint('yellow', `  ~ ${n}`)),
  ])
  return lines
}

export class PolicyDiffCommand extends BaseCommand<typeof PolicyDiffCommand> {
  static override summary = 'Compare two policy files rule by rule'
  static override aliases = ['policy:diff']
  static override examples = [
    '<%= config.bin %> policy-diff old.yaml new.yaml',
    '<%= config.bin %> policy-diff policies/default.yaml candidate.yaml --json',
    '<%= config.bin %> policy-diff a.yaml b.yaml --exit-code || echo "policies differ"',
  ]
  static override args = {
    old: Args.string({ description: 'The current policy file', required: true }),
    new: Args.string({ description: 'The candidate policy file', required: true }),
  }
  static override flags = {
    'exit-code': Flags.boolean({ description: 'Exit with 1 when the policies differ (like git diff --exit-code)' }),
  }

  async run(): Promise<void> {
    const { loadPolicyFile } = await import('@faramesh/policy-core/node')
    const { diffPolicies } = await import('../policy/diff.js')
    const diff = diffPolicies(loadPolicyFile(this.args.old).policy, loadPolicyFile(this.args.new).policy)
    this.output({ old_file: this.args.old, new_file: this.args.new, ...diff }, () => render(diff, this.args.old, this.args.new))
    if (!diff.same && this.flags['exit-code']) this.exit(1)
  }
}
