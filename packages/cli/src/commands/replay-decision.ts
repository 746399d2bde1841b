import { Flags } from '@oclif/core'
import type { Action, GateDecision } from '@faramesh/policy-core'
import { resolve } from 'node:path'
import { BaseCommand } from '../base-command.js'
import { gatewayConfig } from '../server-config.js'
import { actionIdArg } from '../flags.js'
import { paint } from '../output/color.js'
import { orDash, shortId } from '../output/format.js'
import { printable } from '../output/terminal.js'
import { renderTable } from '../output/table.js'

const FIELDS = ['decision', 'outcome', 'reason_code', 'risk_level', 'request_hash', 'policy_hash', 'profile_hash', 'runtime_version', 'provenance_id'] as const
/** A difference here means the same request would now be treated differently (or was tampered with). */
const DECISIVE = new Set<string>(['decision', 'outcome', 'request_hash'])

type Stored = Pick<Action, 'id' | 'agent_id' | 'tool' | 'operation' | 'params' | 'context'> & Partial<Record<(typeof FIELDS)[number], unknown>>

export class ReplayDecision extends BaseCommand<typeof ReplayDecision> {
  static override summary = 'Re-decide a stored action under the current policy and compare hashes and outcome'
  static override description = `By default asks the running gateway (POST /v1/gate/decide, nothing stored). With --db the action is
read from a SQLite file and decided here with --policy (or FARA_POLICY_FILE) and --profile (or the profile the
gateway would load: FARAMESH_PROFILE_FILE or FARA_PROFILE_FILE, else profiles/default.yaml when present). Exits with 12 when the decision,
outcome or request hash differs (with --strict: any difference, including policy and runtime hashes).`
  static override examples = [
    '<%= config.bin %> replay-decision 2755d4a8',
    '<%= config.bin %> replay-decision 2755d4a8 --strict --json',
    '<%= config.bin %> replay-decision 2755d4a8 --db data/actions.db --policy policies/default.yaml',
  ]
  static override args = { id: actionIdArg }
  static override flags = {
    db: Flags.string({ description: 'Read the action from this SQLite file and decide locally' }),
    policy: Flags.string({ char: 'p', description: 'Policy file for --db mode [env: FARA_POLICY_FILE]' }),
    profile: Flags.string({ description: 'Execution profile for --db mode [env: FARAMESH_PROFILE_FILE or FARA_PROFILE_FILE, default profiles/default.yaml if present]' }),
    strict: Flags.boolean({ description: 'Fail on any difference, not only decision, outcome and request hash' }),
  }

  async run(): Promise<void> {
    const { stored, now } = this.flags.db ? await this.offline(this.flags.db) : await this.online()
    const rows = FIELDS.map((field) => {
      const before = stored[field] ?? null
      const after = (now as unknown as Record<string, unknown>)[field] ?? null
      return { field, stored: before, now: after, match: before === after }
    })
    const differing = rows.filter((r) => !r.match)
    const failing = differing.filter((r) => this.flags.strict || DECISIVE.has(r.field))
    const result = { action_id: stored.id, match: differing.length === 0, same_outcome: stored.outcome === now.outcome, fields: rows, decision: now }
    this.output(result, () => {
      const lines = [
        `${paint('bold', 'Replay decision')} ${shortId(stored.id)}: ${printable(stored.tool)} ${printable(stored.operation)}`,
        renderTable(
          ['Field', 'Stored', 'Now', ''],
          rows.map((r) => [r.field, orDash(r.stored), orDash(r.now), r.match ? paint('green', '✓') : paint(DECISIVE.has(r.field) ? 'red' : 'yellow', '✗')]),
          { maxWidths: [undefined, 30, 30, undefined] },
        ),
      ]
      if (differing.length === 0) lines.push(paint('green', '✓ Identical decision, byte for byte.'))
      else if (failing.length === 0) lines.push(paint('yellow', `Same outcome; ${differing.map((r) => r.field).join(', ')} changed (policy or runtime updated).`))
      else lines.push(paint('red', `✗ The decision differs: ${failing.map((r) => r.field).join(', ')}.`))
      return lines
    })
    if (failing.length > 0) this.fail('DECISION_CHANGED', `Replayed decision differs in ${failing.map((r) => r.field).join(', ')}`)
  }

  private async online(): Promise<{ stored: Stored; now: GateDecision }> {
    const api = await this.api()
    const stored = await api.resolve(this.args.id)
    const now = await api.decide({ agent_id: stored.agent_id, tool: stored.tool, operation: stored.operation, params: stored.params, context: stored.context })
    return { stored, now }
  }

  private async offline(db: string): Promise<{ stored: Stored; now: GateDecision }> {
    const { openExistingLedger } = await import('../offline/open-ledger.js')
    const { resolveAction } = await import('../prefix.js')
    const { loadPolicyFile } = await import('@faramesh/policy-core/node')
    const { decide } = await import('@faramesh/decision')
    const ledger = await openExistingLedger(resolve(db))
    try {
      const stored = await resolveAction({ get: (id) => ledger.getAction(id), findByPrefix: (p, n) => ledger.findByIdPrefix(p, n) }, this.args.id)
      const { policy } = loadPolicyFile(this.flags.policy ? resolve(this.flags.policy) : (await gatewayConfig()).policyPath)
      const { loadProfileFor } = await import('../policy/load-profile.js')
      const { profile } = await loadProfileFor(this.flags.profile, this.env())
      const now = decide({ policy, profile }, { agent_id: stored.agent_id, tool: stored.tool, operation: stored.operation, params: stored.params, context: stored.context })
      return { stored, now }
    } finally {
      await ledger.close()
    }
  }
}
