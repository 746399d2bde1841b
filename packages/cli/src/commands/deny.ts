import { BaseCommand } from '../base-command.js'
import { actionIdArg, reasonFlag } from '../flags.js'
import { paint, paintStatus } from '../output/color.js'
import { shortId } from '../output/format.js'

export class Deny extends BaseCommand<typeof Deny> {
  static override summary = 'Deny an action that is pending approval'
  static override examples = ['<%= config.bin %> deny 2755d4a8', '<%= config.bin %> deny 2755d4a8 --reason "Not on a Friday"']
  static override args = { id: actionIdArg }
  static override flags = { reason: reasonFlag }

  async run(): Promise<void> {
    const api = await this.api()
    const id = await api.resolveId(this.args.id, 'approve')
    const updated = await api.deny(id, this.flags.reason)
    this.output(updated, () => `${paint('red', '✗')} Denied ${shortId(updated.id)} (status: ${paintStatus(updated.status)})`)
  }
}
