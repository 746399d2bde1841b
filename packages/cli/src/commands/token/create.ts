import { Flags } from '@oclif/core'
import { resolve } from 'node:path'
import { BaseCommand } from '../../base-command.js'
import { tokensPath } from '../../config.js'
import { parseLifetime } from '../../duration.js'
import { CliError } from '../../errors.js'
import { cliName } from '../../invocation.js'
import { paint } from '../../output/color.js'
import { newToken, readTokens, statusOf, writeTokens } from '../../tokens-store.js'

export class TokenCreate extends BaseCommand<typeof TokenCreate> {
  static override summary = 'Create a scoped API token (shown once; only its sha256 is stored)'
  static override description = `Roles: agent (submit, decide, its own actions), approver (read all, approve/deny, stream), auditor
(read all, events, verify, metrics), admin (everything). The gateway reads the file named by
FARAMESH_TOKENS_FILE (default data/tokens.json) and picks up changes without a restart. An agent token acts
for one agent: its submits carry that agent_id (--agent, default: the token's name) and may not name another.`
  static override examples = [
    '<%= config.bin %> token create --role approver --name alice',
    '<%= config.bin %> token create --role agent --name billing-bot --agent billing --expires 30d --file /etc/faramesh/tokens.json',
  ]
  static override flags = {
    role: Flags.string({ description: 'What the token may do', options: ['agent', 'approver', 'auditor', 'admin'], required: true }),
    name: Flags.string({ description: 'Who holds it (recorded on the events they cause)', required: true }),
    agent: Flags.string({ description: "The agent id an agent token acts for (default: the token's name)" }),
    expires: Flags.string({ description: 'Lifetime, e.g. 12h, 30d (default: no expiry)' }),
    file: Flags.string({ description: 'Tokens file [env: FARAMESH_TOKENS_FILE, default data/tokens.json]' }),
  }

  async run(): Promise<void> {
    const path = this.flags.file ? resolve(this.flags.file) : tokensPath(this.env())
    const { hashToken } = await import('@faramesh/server/tokens')
    const file = await readTokens(path)
    const name = this.flags.name.trim()
    if (name === '') throw new CliError('USAGE', '--name must not be empty')
    const { RESERVED_NAMES } = await import('@faramesh/server/tokens')
    if (RESERVED_NAMES.includes(name)) throw new CliError('USAGE', `--name ${name} is reserved: the gateway gives it to callers without a scoped token`)
    if (file.tokens.some((t) => t.name === name && statusOf(t) === 'active')) {
      throw new CliError('CONFLICT', `An active token named "${name}" already exists`, { hint: `Revoke it first: ${cliName()} token revoke ${name}` })
    }
    const agent = this.flags.agent?.trim()
    if (agent !== undefined && this.flags.role !== 'agent') throw new CliError('USAGE', '--agent is only for --role agent tokens')
    if (agent === '') throw new CliError('USAGE', '--agent must not be empty')
    const token = newToken()
    const now = new Date()
    const expires_at = this.flags.expires ? parseLifetime(this.flags.expires, now) : null
    const entry = {
      name,
      role: this.flags.role as 'agent',
      sha256: hashToken(token),
      ...(agent ? { agent_id: agent } : {}),
      created_at: now.toISOString(),
      expires_at,
      revoked_at: null,
    }
    file.tokens.push(entry)
    await writeTokens(path, file)
    this.output({ ...entry, token, file: path }, () => [
      `${paint('green', '✓')} Created ${entry.role} token for ${paint('bold', name)}${entry.role === 'agent' ? ` acting for agent ${paint('bold', agent ?? name)}` : ''}${expires_at ? ` (expires ${expires_at})` : ''}`,
      '',
      `  ${token}`,
      '',
      paint('yellow', 'Copy it now: it is not stored and cannot be shown again.'),
      `Tokens file: ${path}${this.env().FARAMESH_TOKENS_FILE ? '' : '  (point FARAMESH_TOKENS_FILE at it for the gateway)'}`,
    ])
  }
}
