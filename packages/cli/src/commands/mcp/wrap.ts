import { Flags } from '@oclif/core'
import { BaseCommand } from '../../base-command.js'
import { CliError } from '../../errors.js'

/**
 * Thin on purpose: parse flags, resolve the gateway as every command does (--gateway, else --host/--port,
 * FARAMESH_BASE_URL, FARAMESH_HOST/PORT and .env), then @faramesh/mcp's runWrap does the work. stdout belongs to
 * MCP: this command prints nothing there itself.
 */
export class McpWrap extends BaseCommand<typeof McpWrap> {
  static override summary = 'Run an MCP server over stdio with every tools/call governed by Faramesh'
  static override description = [
    'Speaks MCP on stdin/stdout and runs the real server as a child: each tools/call becomes an action (tool mcp:<name>,',
    'operation = the MCP tool) decided by the policy, held for approval by a person when the policy says so.',
    'Put the server command after --. In a desktop client, change the mcpServers entry from "npx some-server" to',
    '"faramesh mcp wrap --name files -- npx some-server", with FARAMESH_TOKEN (an agent token) in its env.',
  ].join('\n')
  static override examples = [
    '<%= config.bin %> mcp wrap --name files -- npx -y @modelcontextprotocol/server-filesystem /home/me/notes',
    'FARAMESH_TOKEN=<agent token> <%= config.bin %> mcp wrap --gateway https://faramesh.internal -- uvx mcp-server-git',
  ]
  static override strict = false
  static override flags = {
    gateway: Flags.string({ description: 'Gateway URL [env: FARAMESH_BASE_URL] (default: --host/--port, http://127.0.0.1:8000)' }),
    name: Flags.string({ description: 'Server name: the actions\' tool is mcp:<name> (default: from the command)' }),
    agent: Flags.string({ description: "Agent id for a token not bound to one [env: FARAMESH_AGENT_ID]; must equal an agent token's own" }),
    'show-denied': Flags.boolean({ description: 'Keep tools the policy denies outright in tools/list (calls are still denied)' }),
    'client-roots': Flags.boolean({
      allowNo: true,
      default: true,
      description: "Pass the client's roots to the server; --no-client-roots keeps a client from widening what a filesystem server may reach",
    }),
    'public-url': Flags.string({ description: 'Dashboard URL shown to clients while a call waits for approval [env: FARAMESH_PUBLIC_URL]' }),
  }

  async run(): Promise<void> {
    const dash = this.argv.indexOf('--')
    const command = dash === -1 ? [] : this.argv.slice(dash + 1)
    if (command.length === 0 || command[0] === '') {
      throw new CliError('USAGE', 'Give the MCP server to run after --, e.g. faramesh mcp wrap --name files -- npx -y @modelcontextprotocol/server-filesystem /tmp')
    }
    const env = this.env()
    const target = this.target()
    const { runWrap, WrapError } = await import('@faramesh/mcp')
    const agent = this.flags.agent ?? (env.FARAMESH_AGENT_ID || undefined)
    const publicUrl = this.flags['public-url'] ?? (env.FARAMESH_PUBLIC_URL || undefined)
    let code: number
    try {
      code = await runWrap({
        command: command[0] as string,
        args: command.slice(1),
        gateway: this.flags.gateway ?? target.baseUrl,
        ...(target.token ? { token: target.token } : {}),
        ...(this.flags.name !== undefined ? { name: this.flags.name } : {}),
        ...(agent !== undefined ? { agent } : {}),
        ...(this.flags['show-denied'] ? { showDenied: true } : {}),
        ...(this.flags['client-roots'] ? {} : { clientRoots: false }),
        ...(publicUrl !== undefined ? { publicUrl } : {}),
      })
    } catch (err) {
      if (err instanceof WrapError) throw new CliError(err.code, err.message, err.hint ? { hint: err.hint } : {})
      throw err
    }
    // Exit now: a poll or a socket left behind must never keep a finished session's process alive.
    this.exit(code)
  }
}
