import { BaseCommand } from '../base-command.js'
import { actionIdArg, reasonFlag } from '../flags.js'
import { paint, paintStatus } from '../output/color.js'
import { shortId } from '../output/format.js'

export class Approve extends BaseCommand<typeof Approve> {
  static override summary = 'Approve an action that is pending approval'
  static override aliases = ['allow']
  static override examples = [
    '<%= config.bin %> approve 2755d4a8',
    '<%= config.bin %> allow 2755d4a8 --reason "Looks safe"',
  ]
  static override args = { id: actionIdArg }
  static override flags = { reason: reasonFlag }

  async run(): Promise<void> {
    const api = await this.api()
    const id = await api.resolveId(this.args.id, 'approve')
    const updated = await api.approve(id, this.flags.reason)
    this.output(updated, () => `${paint('green', '✓')} Approved ${shortId(updated.id)} (status: ${paintStatus(updated.status)})`)
  }
}
