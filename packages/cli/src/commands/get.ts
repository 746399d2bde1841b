import { BaseCommand } from '../base-command.js'
import { actionIdArg } from '../flags.js'
import { actionDetails } from '../output/action-view.js'

export class Get extends BaseCommand<typeof Get> {
  static override summary = 'Show one action (full id or unique prefix)'
  static override examples = [
    '<%= config.bin %> get 2755d4a8',
    '<%= config.bin %> get 2755d4a8-1000-47e6-873c-b9fd535234ad',
    '<%= config.bin %> --json get 2755d4a8',
  ]
  static override args = { id: actionIdArg }

  async run(): Promise<void> {
    const action = await (await this.api()).resolve(this.args.id)
    this.output(action, () => actionDetails(action))
  }
}
