import { curlCommand, type CurlKind } from '@faramesh/sdk/curl'
import { BaseCommand } from '../base-command.js'
import { actionIdArg } from '../flags.js'

export class Curl extends BaseCommand<typeof Curl> {
  static override summary = 'Print ready-to-copy curl commands for an action'
  static override description =
    'The token is never printed: commands read it from $FARAMESH_TOKEN. A pending action gets approve and deny commands.'
  static override examples = ['<%= config.bin %> curl 2755d4a8', '<%= config.bin %> curl 2755d4a8 --json | jq -r .commands.approve']
  static override args = { id: actionIdArg }

  async run(): Promise<void> {
    const api = await this.api()
    const action = await api.resolve(this.args.id)
    // The original CLI's layout (as in its README): `curl -X POST http://… \`, values single-quoted where a shell would read them.
    const opts = { baseUrl: api.target.baseUrl, authenticated: !!api.target.token, layout: 'original' } as const
    const kinds: CurlKind[] = ['get', 'events', 'submit', ...(action.status === 'pending_approval' ? (['approve', 'deny'] as const) : [])]
    const commands = Object.fromEntries(kinds.map((k) => [k, curlCommand(k, action, opts)])) as Record<string, string>
    this.output({ action_id: action.id, status: action.status, commands }, () => {
      const lines = [`# Action: ${action.id}`, `# Status: ${action.status}`, '']
      if (commands.approve) lines.push('# Approve:', commands.approve, '', '# Deny:', commands.deny ?? '', '')
      lines.push('# Get:', commands.get ?? '', '', '# Events:', commands.events ?? '', '', '# Submit the same request again:', commands.submit ?? '')
      return lines
    })
  }
}
