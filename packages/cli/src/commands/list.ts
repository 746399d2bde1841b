import { Flags } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import { ACTION_STATUSES, RISK_LEVELS } from '../flags.js'
import { actionsTable } from '../output/action-view.js'

export class List extends BaseCommand<typeof List> {
  static override summary = 'List actions, newest first (colour-coded status and risk)'
  static override examples = [
    '<%= config.bin %> list',
    '<%= config.bin %> list --full',
    '<%= config.bin %> list --status pending_approval --tool shell --limit 50',
    '<%= config.bin %> list --json | jq ".[].id"',
  ]
  static override flags = {
    full: Flags.boolean({ description: 'Show full UUIDs instead of 8-character prefixes' }),
    limit: Flags.integer({ char: 'n', description: 'How many actions (max 1000)', default: 20, min: 1, max: 1000 }),
    offset: Flags.integer({ description: 'Skip this many actions', default: 0, min: 0 }),
    status: Flags.string({ char: 's', description: 'Only actions with this status', options: [...ACTION_STATUSES] }),
    tool: Flags.string({ char: 't', description: 'Only actions for this tool' }),
    agent: Flags.string({ char: 'a', description: 'Only actions of this agent id' }),
    risk: Flags.string({ description: 'Only actions with this risk level', options: [...RISK_LEVELS] }),
  }

  async run(): Promise<void> {
    const api = await this.api()
    const actions = await api.list({
      limit: this.flags.limit,
      offset: this.flags.offset,
      status: this.flags.status,
      tool: this.flags.tool,
      agent_id: this.flags.agent,
      risk_level: this.flags.risk,
    })
    this.output(actions, () => (actions.length === 0 ? 'No actions found.' : actionsTable(actions, this.flags.full)))
  }
}
