import { Args, Flags } from '@oclif/core'
import { resolve } from 'node:path'
import { BaseCommand } from '../../base-command.js'
import { tokensPath } from '../../config.js'
import { CliError } from '../../errors.js'
import { paint } from '../../output/color.js'
import { readTokens, statusOf, writeTokens } from '../../tokens-store.js'

export class TokenRevoke extends BaseCommand<typeof TokenRevoke> {
  static override summary = 'Revoke a scoped API token by name (the gateway stops accepting it within a second)'
  static override examples = ['<%= config.bin %> token revoke alice']
  static override args = { name: Args.string({ description: 'Name of the token holder', required: true }) }
  static override flags = {
    file: Flags.string({ description: 'Tokens file [env: FARAMESH_TOKENS_FILE, default data/tokens.json]' }),
  }

  async run(): Promise<void> {
    const path = this.flags.file ? resolve(this.flags.file) : tokensPath(this.env())
    const file = await readTokens(path)
    const entry = file.tokens.find((t) => t.name === this.args.name && statusOf(t) === 'active')
    if (!entry) throw new CliError('NOT_FOUND', `No active token named "${this.args.name}" in ${path}`)
    entry.revoked_at = new Date().toISOString()
    await writeTokens(path, file)
    this.output({ ...entry, status: 'revoked', file: path }, () => `${paint('green', '✓')} Revoked the ${entry.role} token of ${entry.name}`)
  }
}
