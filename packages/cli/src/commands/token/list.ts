import { Flags } from '@oclif/core'
import { resolve } from 'node:path'
import { BaseCommand } from '../../base-command.js'
import { tokensPath } from '../../config.js'
import { cliName } from '../../invocation.js'
import { paint } from '../../output/color.js'
import { formatTime } from '../../output/format.js'
import { renderTable } from '../../output/table.js'
import { readTokens, statusOf } from '../../tokens-store.js'

export class TokenList extends BaseCommand<typeof TokenList> {
  static override summary = 'List scoped API tokens (names, roles and status; never the tokens)'
  static override examples = ['<%= config.bin %> token list', '<%= config.bin %> token list --json']
  static override flags = {
    file: Flags.string({ description: 'Tokens file [env: FARAMESH_TOKENS_FILE, default data/tokens.json]' }),
  }

  async run(): Promise<void> {
    const path = this.flags.file ? resolve(this.flags.file) : tokensPath(this.env())
    const { tokens } = await readTokens(path)
    const rows = tokens.map((t) => ({ ...t, status: statusOf(t) }))
    this.output({ file: path, tokens: rows }, () =>
      rows.length === 0
        ? `No tokens in ${path}. Create one with: ${cliName()} token create --role approver --name alice`
        : renderTable(
            ['Name', 'Role', 'Status', 'Agent', 'Created', 'Expires', 'sha256'],
            rows.map((t) => [
              t.name,
              t.role,
              paint(t.status === 'active' ? 'green' : 'red', t.status),
              t.role === 'agent' ? (t.agent_id ?? t.name) : '',
              formatTime(t.created_at),
              formatTime(t.expires_at),
              `${t.sha256.slice(0, 12)}…`,
            ]),
          ),
    )
  }
}
