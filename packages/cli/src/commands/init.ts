import { Flags } from '@oclif/core'
import { resolve } from 'node:path'
import { BaseCommand } from '../base-command.js'
import { cliName } from '../invocation.js'
import { paint } from '../output/color.js'
import { scaffold } from '../scaffold.js'
import { ENV_EXAMPLE, STARTER_POLICY, STARTER_POLICY_TESTS } from '../templates/project.js'

export class Init extends BaseCommand<typeof Init> {
  static override summary = 'Scaffold a starter layout: policies/default.yaml, its tests and .env.example'
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --dir my-agent --force']
  static override flags = {
    dir: Flags.string({ description: 'Folder to create the files in', default: '.' }),
    force: Flags.boolean({ description: 'Overwrite files that already exist' }),
  }

  async run(): Promise<void> {
    const dir = resolve(this.flags.dir)
    const result = scaffold(
      dir,
      [
        { path: 'policies/default.yaml', content: STARTER_POLICY },
        { path: 'policies/tests/default.test.yaml', content: STARTER_POLICY_TESTS },
        { path: '.env.example', content: ENV_EXAMPLE },
      ],
      this.flags.force,
    )
    this.output({ dir, ...result }, () => {
      const lines: string[] = []
      const written = [...result.created, ...result.overwritten]
      if (written.length > 0) {
        lines.push(`${paint('green', '✓')} Created starter files:`, ...written.map((f) => `  • ${f}`))
      }
      if (result.skipped.length > 0) {
        lines.push(`${paint('yellow', '!')} Kept existing files (use --force to overwrite):`, ...result.skipped.map((f) => `  • ${f}`))
      }
      lines.push(
        '',
        'Next steps:',
        '  1. Review policies/default.yaml',
        '  2. Copy .env.example to .env and customize',
        `  3. Run: ${cliName()} policy test policies/tests/default.test.yaml`,
        `  4. Run: ${cliName()} serve`,
      )
      return lines
    })
  }
}
