import { BaseCommand } from '../base-command.js'
import { actionIdArg } from '../flags.js'
import { eventsTable } from '../output/action-view.js'
import { paint } from '../output/color.js'
import { shortId } from '../output/format.js'

export class Events extends BaseCommand<typeof Events> {
  static override summary = "Show an action's event timeline (with chain sequence numbers)"
  static override examples = ['<%= config.bin %> events 2755d4a8', '<%= config.bin %> events 2755d4a8 --json']
  static override args = { id: actionIdArg }

  async run(): Promise<void> {
    const api = await this.api()
    const action = await api.resolve(this.args.id)
    const events = await api.events(action.id)
    this.output(events, () => [`${paint('bold', 'Event Timeline')} - ${shortId(action.id)}`, eventsTable(events)])
  }
}
