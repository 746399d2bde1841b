import { BaseCommand } from '../base-command.js'
import { actionIdArg } from '../flags.js'
import { transitions } from '../output/action-view.js'
import { paint, paintStatus } from '../output/color.js'
import { formatTime, shortId } from '../output/format.js'
import { printable } from '../output/terminal.js'

export class Logs extends BaseCommand<typeof Logs> {
  static override summary = "Show an action's status transitions (who moved it, and why)"
  static override examples = ['<%= config.bin %> logs 2755d4a8', '<%= config.bin %> logs 2755d4a8 --json']
  static override args = { id: actionIdArg }

  async run(): Promise<void> {
    const api = await this.api()
    const action = await api.resolve(this.args.id)
    const steps = transitions(await api.events(action.id))
    this.output({ action_id: action.id, status: action.status, transitions: steps }, () => [
      `${paint('bold', 'Status transitions')} - ${shortId(action.id)} (now ${paintStatus(action.status)})`,
      ...steps.map((t) => {
        const move = t.from === t.to ? paintStatus(t.to) : `${t.from ? paintStatus(t.from) : '∅'} → ${paintStatus(t.to)}`
        const who = t.by ? ` by ${printable(t.by)}` : ''
        const why = t.reason ? `: ${printable(t.reason)}` : ''
        return `[${formatTime(t.at)}] ${printable(t.event_type).padEnd(14)} ${move}${paint('dim', who + why)}`
      }),
    ])
  }
}
