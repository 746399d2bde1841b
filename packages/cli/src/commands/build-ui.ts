import { Flags } from '@oclif/core'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BaseCommand } from '../base-command.js'
import { CliError } from '../errors.js'
import { paint } from '../output/color.js'

/** apps/dashboard of the workspace this CLI runs from, or of the working directory's workspace. */
function findDashboard(): string | null {
  for (const start of [process.cwd(), dirname(fileURLToPath(import.meta.url))]) {
    for (let d = resolve(start); ; d = dirname(d)) {
      const candidate = join(d, 'apps', 'dashboard')
      if (existsSync(join(candidate, 'package.json'))) return candidate
      if (dirname(d) === d) break
    }
  }
  return null
}

function run(cmd: string, args: string[], cwd: string, quiet: boolean): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    // In --json mode the build's own output goes to stderr so stdout stays one JSON document.
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', quiet ? process.stderr : 'inherit', 'inherit'] })
    child.once('error', reject)
    child.once('exit', (code) => resolvePromise(code ?? 1))
  })
}

export class BuildUi extends BaseCommand<typeof BuildUi> {
  static override summary = 'Build the web UI (the dashboard) so `faramesh serve` can serve it'
  static override examples = ['<%= config.bin %> build-ui', '<%= config.bin %> build-ui --dir apps/dashboard --runner npm', '<%= config.bin %> build-ui --dry-run']
  static override flags = {
    dir: Flags.string({ description: 'Dashboard folder (default: apps/dashboard of this workspace)' }),
    runner: Flags.string({ description: 'Package manager that runs the build script', options: ['pnpm', 'npm'], default: 'pnpm' }),
    'dry-run': Flags.boolean({ description: 'Print what would run, run nothing' }),
  }

  async run(): Promise<void> {
    const dir = this.flags.dir ? resolve(this.flags.dir) : findDashboard()
    if (!dir || !existsSync(join(dir, 'package.json'))) {
      throw new CliError('NOT_FOUND', `No dashboard found${dir ? ` at ${dir}` : ''}`, { hint: 'Pass --dir <folder with the dashboard package.json>.' })
    }
    const args = ['run', 'build']
    const command = `${this.flags.runner} ${args.join(' ')}`
    const out = join(dir, 'build')
    if (this.flags['dry-run']) {
      this.output({ dir, command, out, ran: false }, () => `Would run \`${command}\` in ${dir}`)
      return
    }
    if (!this.jsonMode) this.log(`Building the UI: ${command} (in ${dir})`)
    const code = await run(this.flags.runner, args, dir, this.jsonMode).catch((err: NodeJS.ErrnoException) => {
      throw new CliError('IO', `Cannot run ${this.flags.runner}: ${err.message}`, { hint: 'Install it, or pass --runner npm.' })
    })
    if (code !== 0) throw new CliError('INTERNAL', `UI build failed (\`${command}\` exited with ${code})`)
    const built = existsSync(join(out, 'index.html'))
    this.output({ dir, command, out, ran: true, index_html: built }, () =>
      built ? `${paint('green', '✓')} UI built: ${out}` : `${paint('yellow', '!')} Build finished, but ${join(out, 'index.html')} was not found`,
    )
  }
}
