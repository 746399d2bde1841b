import { Args, Flags } from '@oclif/core'
import { ruleRef } from '@faramesh/policy-core/wire'
import { relative, resolve } from 'node:path'
import { BaseCommand } from '../../base-command.js'
import { gatewayConfig } from '../../server-config.js'
import { parseSince } from '../../duration.js'
import { paint, paintDecision, paintRisk, paintStatus } from '../../output/color.js'
import { formatJsonInline, formatTime, shortId } from '../../output/format.js'
import { printable } from '../../output/terminal.js'
import { renderTable } from '../../output/table.js'
import { loadProfileFor, type LoadedProfile } from '../../policy/load-profile.js'
import type { ChangedAction, RecordedAction, SimulationResult } from '../../policy/simulate.js'

const PAGE = 500

export class PolicySimulate extends BaseCommand<typeof PolicySimulate> {
  static override summary = 'Re-decide recorded actions under a candidate policy and show what would change'
  static override description = `Reads recorded actions from the SQLite database (--db, FARA_SQLITE_PATH) or, with --from-api, from
the running gateway, decides each again under the candidate policy with the gateway's own decide(), and lists
every decision that would change, grouped by the rule that would decide it, then the actions whose decision
stays but whose risk level would change. The execution profile is checked first, as in the gateway: --profile,
else FARAMESH_PROFILE_FILE (or FARA_PROFILE_FILE), else profiles/default.yaml when it exists. Nothing is written.`
  static override examples = [
    '<%= config.bin %> policy simulate new.yaml',
    '<%= config.bin %> policy simulate new.yaml --since 7d --limit 5000',
    '<%= config.bin %> policy simulate new.yaml --from-api --json',
    '<%= config.bin %> policy simulate new.yaml --profile profiles/support.yaml',
    '<%= config.bin %> policy simulate new.yaml --fail-on-change   # in CI: exit 12 if any decision changes',
  ]
  static override args = { policy: Args.string({ description: 'Candidate policy file', required: true }) }
  static override flags = {
    since: Flags.string({ description: 'Only actions newer than this (30m, 24h, 7d, 2w or a date)' }),
    limit: Flags.integer({ char: 'n', description: 'At most this many actions, newest first', default: 1000, min: 1 }),
    db: Flags.string({ description: 'SQLite database file [env: FARA_SQLITE_PATH, default data/actions.db]' }),
    'from-api': Flags.boolean({ description: 'Read the actions from the running gateway instead of a database file' }),
    profile: Flags.string({ description: 'Execution profile to decide under [env: FARAMESH_PROFILE_FILE or FARA_PROFILE_FILE, default profiles/default.yaml if present]' }),
    show: Flags.integer({ description: 'Example actions listed per group', default: 10, min: 0 }),
    'fail-on-change': Flags.boolean({ description: 'Exit with 12 when any decision would change' }),
  }

  async run(): Promise<void> {
    const { loadPolicyFile } = await import('@faramesh/policy-core/node')
    const { decide } = await import('@faramesh/decision')
    const { simulate } = await import('../../policy/simulate.js')
    const since = this.flags.since ? parseSince(this.flags.since) : null
    const { policy } = loadPolicyFile(resolve(this.args.policy))
    const loaded = await loadProfileFor(this.flags.profile, this.env())
    const actions = this.flags['from-api'] ? await this.fromApi(since) : await this.fromDb(since)
    const result = simulate(policy, actions, (r) => decide({ policy, profile: loaded.profile }, r))
    const profile = loaded.path ? relative(process.cwd(), loaded.path) || loaded.path : null
    const data = {
      policy: this.args.policy,
      policy_hash: policy.hash,
      profile,
      profile_hash: loaded.profile?.hash ?? null,
      since,
      source: this.flags['from-api'] ? 'api' : 'db',
      ...result,
    }
    this.output(data, () => this.render(result, policy.hash, since, loaded, profile))
    if (result.changed > 0 && this.flags['fail-on-change']) this.fail('DECISION_CHANGED', `${result.changed} decision(s) would change`)
  }

  private async fromDb(since: string | null): Promise<RecordedAction[]> {
    const { openExistingLedger } = await import('../../offline/open-ledger.js')
    const ledger = await openExistingLedger(this.flags.db ? resolve(this.flags.db) : (await gatewayConfig()).sqlitePath)
    try {
      const out: RecordedAction[] = []
      let cursor: string | undefined
      while (out.length < this.flags.limit) {
        const page = await ledger.listActions({ limit: Math.min(PAGE, this.flags.limit - out.length), ...(since ? { since } : {}), ...(cursor ? { cursor } : {}) })
        out.push(...page.items)
        if (!page.next_cursor || page.items.length === 0) break
        cursor = page.next_cursor
      }
      return out
    } finally {
      await ledger.close()
    }
  }

  private async fromApi(since: string | null): Promise<RecordedAction[]> {
    const api = await this.api()
    const out: RecordedAction[] = []
    for (let offset = 0; out.length < this.flags.limit; offset += PAGE) {
      const page = await api.list({ limit: PAGE, offset })
      const fresh = since ? page.filter((a) => a.created_at >= since) : page
      out.push(...fresh.slice(0, this.flags.limit - out.length))
      // Newest first: once a page reaches past `since`, older pages cannot match.
      if (page.length < PAGE || fresh.length < page.length) break
    }
    return out
  }

  private render(r: SimulationResult, hash: string, since: string | null, loaded: LoadedProfile, profile: string | null): string[] {
    const against = `${this.args.policy}${profile ? ` + profile ${profile}` : ''}`
    const lines = [
      `Simulated ${r.considered} recorded action${r.considered === 1 ? '' : 's'}${since ? ` since ${formatTime(since)}` : ''} against ${against} ${paint('dim', `(policy_hash ${hash.slice(0, 12)})`)}`,
      `  unchanged: ${r.unchanged}   would change: ${r.changed > 0 ? paint('yellow', String(r.changed)) : '0'}   risk level only: ${r.risk_changed}`,
    ]
    if (r.profile_mismatches > 0) {
      const which = loaded.profile ? `profile ${profile ?? ''}` : 'no profile'
      lines.push(
        paint('yellow', `! ${r.profile_mismatches} of them were decided under another profile than ${which}: pass --profile with the gateway's (FARAMESH_PROFILE_FILE) to compare like with like.`),
      )
    }
    if (r.changed === 0) lines.push('', paint('green', '✓ No decision would change.'))
    for (const g of r.groups) {
      const where = g.decided_by === 'rule' ? ruleRef(g.rule_index!) : g.decided_by === 'default' ? 'no rule matched' : g.decided_by
      lines.push('', `${paint('bold', `${where} "${g.description}"`)} — ${plural(g.count, 'change')} (${moves(g.transitions)})`)
      lines.push(...this.table(g.actions, ['Now', 'Candidate'], (a) => [paintDecision(a.old_decision), paintDecision(a.new_decision)]))
    }
    const risk = r.risk_changes
    if (risk.count > 0) {
      lines.push('', `${paint('bold', 'Risk level only (same decision)')} — ${plural(risk.count, 'change')} (${moves(risk.transitions)})`)
      lines.push(
        ...this.table(risk.actions, ['Decision', 'Risk now', 'Candidate', 'Risk rule'], (a) => [
          paintDecision(a.new_decision),
          paintRisk(a.old_risk),
          paintRisk(a.new_risk),
          a.new_risk_rule ?? (a.rule_index === null ? '-' : ruleRef(a.rule_index)),
        ]),
      )
    }
    return lines
  }

  private table<A extends ChangedAction>(actions: A[], extra: string[], cells: (a: A) => string[]): string[] {
    const shown = actions.slice(0, this.flags.show)
    const out: string[] = []
    if (shown.length > 0) {
      out.push(
        renderTable(
          ['ID', 'Status', 'Tool', 'Operation', 'Params', ...extra],
          shown.map((a) => [shortId(a.id), paintStatus(a.status), printable(a.tool), printable(a.operation), formatJsonInline(a.params), ...cells(a)]),
          { maxWidths: [undefined, undefined, 16, 16, 36] },
        ),
      )
    }
    if (actions.length > shown.length) out.push(paint('dim', `  … and ${actions.length - shown.length} more (--show or --json for all)`))
    return out
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
const moves = (transitions: Record<string, number>): string =>
  Object.entries(transitions)
    .map(([t, n]) => `${t} ×${n}`)
    .join(', ')
