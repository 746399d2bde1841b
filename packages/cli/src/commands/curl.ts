import type { Action } from '@faramesh/policy-core'
import { BaseCommand } from '../base-command.js'
import { actionIdArg } from '../flags.js'

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

export class Curl extends BaseCommand<typeof Curl> {
  static override summary = 'Print ready-to-copy curl commands for an action'
  static override description =
    'The token is never printed: commands read it from $FARAMESH_TOKEN. A pending action gets approve and deny commands.'
  static override examples = ['<%= config.bin %> curl 2755d4a8', '<%= config.bin %> curl 2755d4a8 --json | jq -r .commands.approve']
  static override args = { id: actionIdArg }

  async run(): Promise<void> {
    const api = await this.api()
    const action = await api.resolve(this.args.id)
    const base = api.target.baseUrl
    const auth = api.target.token ? ` \\\n  -H "Authorization: Bearer $FARAMESH_TOKEN"` : ''
    const url = `${base}/v1/actions/${action.id}`
    const commands: Record<string, string> = {
      get: `curl ${url}${auth}`,
      events: `curl ${url}/events${auth}`,
      submit: this.submit(base, auth, action),
    }
    if (action.status === 'pending_approval') {
      const token = action.approval_token ? `"token": "${action.approval_token}", ` : ''
      for (const [name, approve] of [['approve', true], ['deny', false]] as const) {
        commands[name] = `curl -X POST ${url}/approval${auth} \\\n  -H "Content-Type: application/json" \\\n  -d ${quote(`{${token}"approve": ${approve}}`)}`
      }
    }
    this.output({ action_id: action.id, status: action.status, commands }, () => {
      const lines = [`# Action: ${action.id}`, `# Status: ${action.status}`, '']
      if (commands.approve) lines.push('# Approve:', commands.approve, '', '# Deny:', commands.deny ?? '', '')
      lines.push('# Get:', commands.get ?? '', '', '# Events:', commands.events ?? '', '', '# Submit the same request again:', commands.submit ?? '')
      return lines
    })
  }

  private submit(base: string, auth: string, a: Action): string {
    const body = JSON.stringify({ agent_id: a.agent_id, tool: a.tool, operation: a.operation, params: a.params ?? {}, context: a.context ?? {} })
    return `curl -X POST ${base}/v1/actions${auth} \\\n  -H "Content-Type: application/json" \\\n  -d ${quote(body)}`
  }
}
