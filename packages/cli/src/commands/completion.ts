import { Args } from '@oclif/core'
import { BaseCommand } from '../base-command.js'
import { completionScript, type Shell } from '../completion-script.js'

export class Completion extends BaseCommand<typeof Completion> {
  static override summary = 'Print a shell completion script (bash, zsh or fish)'
  static override examples = [
    'source <(<%= config.bin %> completion bash)',
    '<%= config.bin %> completion zsh > ~/.zfunc/_faramesh',
    '<%= config.bin %> completion fish | source',
  ]
  static override args = {
    shell: Args.string({ description: 'Shell to complete for', options: ['bash', 'zsh', 'fish'], default: 'bash' }),
  }

  async run(): Promise<void> {
    const commands = this.config.commands.map((c) => ({
      id: c.id,
      aliases: c.aliases,
      hidden: c.hidden,
      flags: Object.keys(c.flags).sort(),
    }))
    const shell = this.args.shell as Shell
    const script = completionScript(shell, this.config.bin, commands)
    this.output({ shell, script }, () => script.trimEnd())
  }
}
