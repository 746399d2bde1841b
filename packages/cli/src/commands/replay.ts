import { BaseCommand } from '../base-command.js'
import { actionIdArg } from '../flags.js'
import { paintDecision, paintStatus } from '../output/color.js'
import { orDash, shortId } from '../output/format.js'

export class Replay extends BaseCommand<typeof Replay> {
  static override summary = "Resubmit an action's request as a new action (linked by context.replayed_from)"
  static override examples = ['<%= config.bin %> replay 2755d4a8', '<%= config.bin %> replay 2755d4a8 --json']
  static override args = { id: actionIdArg }

  async run(): Promise<void> {
    const api = await this.api()
    const original = await api.resolve(this.args.id)
    const replayed = await api.replay(original.id)
    this.output(replayed, () => [
      `Replayed ${shortId(original.id)} as ${shortId(replayed.id, true)}`,
      `Status: ${paintStatus(replayed.status)}   Decision: ${paintDecision(replayed.decision)}   Reason: ${orDash(replayed.reason)}`,
    ])
  }
}
