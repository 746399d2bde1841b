import { Args, Flags } from '@oclif/core'
import { resolve } from 'node:path'
import { BaseCommand } from '../../base-command.js'
import { sqlitePath } from '../../config.js'
import { parseSince } from '../../duration.js'
import { paint, paintDecision, paintStatus } from '../../output/color.js'
import { formatJsonInline, formatTime, shortId } from '../../output/format.js'
import { renderTable } from '../../output/table.js'
import type { RecordedAction, SimulationResult } from '../../policy/simulate.js'

const PAGE = 500

export class PolicySimulate extends BaseCommand<typeof PolicySimulate> {
  static override summary = 'Re-decide recorded actions under a candidate policy and show what would change'
  static override description = `Reads recorded actions from the SQLite database (--db, FARA_SQLITE_PATH) or, with --from-api, from
the running gateway, decides each again under the candidate policy with the gateway's own decide(), and lists
every decision that would change, grouped by the rule that would decide it. Nothing is written.`
  static override examples = [
    '<%= config.bin %> policy simulate new.yaml',
    '<%= config.bin %> policy simulate new.yaml --since 7d --limit 5000',
    '<%= config.bin %> policy simulate new.yaml --from-api --json',
    '<%= config.bin %> policy simulate new.yaml --fail-on-change   # in CI: exit 12 if any decision changes',
  ]
  static override args = { policy: Args.string({ description: 'Candidate policy file', required: true }) }
  static override flags = {
    since: Flags.string({ description: 'Only actions newer than this (30m, 24h, 7d, 2w or a date)' }),
    limit: Flags.integer({ char: 'n', description: 'At most this many actions, newest first', default: 1000, min: 1 }),
    db: Flags.string({ description: 'SQLite database file [env: FARA_SQLITE_PATH, default data/actions.db]' }),
    'from-api': Flags.boolean({ description: 'Read the actions from the running gateway instead of a database file' }),
    show: Flags.integer({ description: 'Example actions listed per group', default: 10, min: 0 }),
    'fail-on-change': Flags.boolean({ description: 'Exit with 12 when any decision would change' }),
  }

  async run(): Promise<void> {
    const { loadPolicyFile } = await import('@faramesh/policy-core/node')
    const { decide } = await import('@faramesh/server')
    const { simulate } = await import('../../policy/simulate.js')
    const since = this.flags.since ? parseSince(this.flags.since) : null
    const { policy } = loadPolicyFile(resolve(this.args.policy))
    const actions = this.flags['from-api'] ? await this.fromApi(since) : await this.fromDb(since)
    const result = simulate(policy, actions, (r) => decide({ policy }, r))
    this.output({ policy: this.args.policy, policy_hash: policy.hash, since, source: this.flags['from-api'] ? 'api' : 'db', ...result }, () =>
      this.render(result, policy.hash, since),
    )
    if (result.changed > 0 && this.flags['fail-on-change']) this.fail('DECISION_CHANGED', `${result.changed} decision(s) would change`)
  }

  private async fromDb(since: string | null): Promise<RecordedAction[]> {
    const { openExistingLedger } = await import('../../offline/open-ledger.js')
    const ledger = await openExistingLedger(this.flags.db ? resolve(this.flags.db) : sqlitePath(this.env()))
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

  private render(r: SimulationResult, hash: string, since: string | null): string[] {
    const lines = [
      `Simulated ${r.considered} recorded action${r.considered === 1 ? '' : 's'}${since ? ` since ${formatTime(since)}` : ''} against ${this.args.policy} ${paint('dim', `(policy_hash ${hash.slice(0, 12)})`)}`,
      `  unchanged: ${r.unchanged}   would change: ${r.changed > 0 ? paint('yellow', String(r.changed)) : '0'}`,
    ]
    if (r.changed === 0) return [...lines, '', paint('green', '✓ No decision would change.')]
    for (const g of r.groups) {
      const where = g.rule_index === null ? 'no rule matched' : `rules[${g.rule_index}]`
      const moves = Object.entries(g.transitions).map(([t, n]) => `${t} ×${n}`).join(', ')
      lines.push('', `${paint('bold', `${where} "${g.description}"`)} — ${g.count} change${g.count === 1 ? '' : 's'} (${moves})`)
      const shown = g.actions.slice(0, this.flags.show)
      if (shown.length > 0) {
        lines.push(
          renderTable(
            ['ID', 'Status', 'Tool', 'Operation', 'Params', 'Now', 'Candidate'],
            shown.map((a) => [shortId(a.id), paintStatus(a.status), a.tool, a.operation, formatJsonInline(a.params), paintDecision(a.old_decision), paintDecision(a.new_decision)]),
            { maxWidths: [undefined, undefined, 16, 16, 36, undefined, undefined] },
          ),
        )
      }
      if (g.actions.length > shown.length) lines.push(paint('dim', `  … and ${g.actions.length - shown.length} more (--show or --json for all)`))
    }
    return lines
  }
}
