import { Flags } from '@oclif/core'
import type { Explanation, PolicyInfo } from '@faramesh/policy-core'
import { ruleRef } from '@faramesh/policy-core/wire'
import { resolve } from 'node:path'
import { BaseCommand } from '../base-command.js'
import { actionIdArg } from '../flags.js'
import { paint, paintDecision, paintRisk, paintStatus } from '../output/color.js'
import { formatJsonInline, orDash, shortId } from '../output/format.js'
import { printable } from '../output/terminal.js'

export class Explain extends BaseCommand<typeof Explain> {
  static override summary = 'Explain why an action was allowed, denied or sent for approval'
  static override description = `Shows the stored decision and, when the policy file can be read here, the rule trace: every rule up to
the one that matched, and for each rule before it the condition that did not hold.`
  static override examples = ['<%= config.bin %> explain 2755d4a8', '<%= config.bin %> explain 2755d4a8 --policy policies/default.yaml --json']
  static override args = { id: actionIdArg }
  static override flags = {
    policy: Flags.string({ char: 'p', description: "Policy file for the rule trace (default: the gateway's policy_path)" }),
  }

  async run(): Promise<void> {
    const api = await this.api()
    const action = await api.resolve(this.args.id)
    const info: PolicyInfo | null = await api.policyInfo().catch(() => null)
    const policyFile = this.flags.policy ? resolve(this.flags.policy) : (info?.policy_path ?? null)
    let trace: Explanation | null = null
    let traceHash: string | null = null
    let traceError: string | null = null
    if (policyFile) {
      try {
        const { loadPolicyFile } = await import('@faramesh/policy-core/node')
        const { explain } = await import('@faramesh/policy-core')
        const { policy } = loadPolicyFile(policyFile)
        trace = explain(policy, { agent_id: action.agent_id, tool: action.tool, operation: action.operation, params: action.params, context: action.context })
        traceHash = policy.hash
      } catch (err) {
        if (this.flags.policy) throw err
        traceError = err instanceof Error ? err.message.split('\n')[0] ?? String(err) : String(err)
      }
    }
    const policyChanged = traceHash !== null && action.policy_hash != null && traceHash !== action.policy_hash
    this.output(
      { action, policy: info, policy_file: policyFile, trace: trace?.trace ?? null, trace_policy_hash: traceHash, policy_changed: policyChanged, trace_error: traceError },
      () => {
        const lines = [
          `${paint('bold', 'Action Explanation:')} ${shortId(action.id)}`,
          '',
          `Status: ${paintStatus(action.status)}`,
          `Decision: ${paintDecision(action.decision)}`,
          `Reason: ${orDash(action.reason)}`,
          `Reason Code: ${orDash(action.reason_code)}`,
          `Risk Level: ${paintRisk(action.risk_level)}${action.risk_rule ? ` (risk rule: ${printable(action.risk_rule)})` : ''}`,
          '',
          `Policy File: ${orDash(policyFile)}`,
          `Policy Version: ${orDash(action.policy_version)}`,
          '',
          `Tool: ${printable(action.tool)}`,
          `Operation: ${printable(action.operation)}`,
          `Params: ${formatJsonInline(action.params ?? {})}`,
        ]
        if (trace) {
          lines.push('', paint('bold', 'Rule trace (first match wins):'))
          if (trace.trace.length === 0) lines.push('  (the policy has no rules)')
          for (const t of trace.trace) {
            const mark = t.matched ? paint('green', '✓') : paint('red', '✗')
            const why = t.matched ? paint('green', 'matched') : (t.failed?.why ?? 'did not match')
            lines.push(`  ${mark} ${ruleRef(t.rule_index)} ${t.description} — ${why}`)
          }
          if (!trace.trace.some((t) => t.matched)) lines.push(`  ${paint('red', '✗')} no rule matched: deny by default`)
          if (policyChanged) {
            lines.push('', paint('yellow', `! The policy changed since this decision (decided under ${action.policy_hash?.slice(0, 12)}, trace uses ${traceHash?.slice(0, 12)}).`))
          }
        } else if (traceError) {
          lines.push('', paint('dim', `(No rule trace: ${traceError}. Pass --policy <file>.)`))
        }
        return lines
      },
    )
  }
}
