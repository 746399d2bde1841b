// `faramesh lst` → `Error: Unknown command "lst". Did you mean "list"?` (exit 2), instead of oclif's bare message.
import type { Hook } from '@oclif/core'
import { suggest as closest } from '@faramesh/policy-core/suggest'
import { CliError } from '../errors.js'
import { exitCodeFor } from '../exit-codes.js'
import { suggest } from '../invocation.js'
import { paint } from '../output/color.js'
import { stableJson } from '../output/json.js'

/** The known command closest to `id`, if it is close enough to be a typo (policy-core's "did you mean", as for policy keys). */
export const suggestCommand = (id: string, known: readonly string[]): string | null => closest(id, known) ?? null

export const commandNotFound: Hook.CommandNotFound = async function (opts) {
  const known = opts.config.commands.filter((c) => !c.hidden).flatMap((c) => [c.id, ...c.aliases])
  const shown = (id: string): string => id.replaceAll(':', ' ')
  const guess = suggestCommand(opts.id, known)
  const error = new CliError('USAGE', `Unknown command "${shown(opts.id)}".${guess ? ` Did you mean "${shown(guess)}"?` : ''}`, {
    hint: `Run ${suggest('--help')} for the list of commands.`,
  })
  if ((opts.argv ?? []).includes('--json')) {
    process.stdout.write(`${stableJson({ error: { code: error.code, message: error.message, exit_code: exitCodeFor(error.code), hint: error.hint } })}\n`)
  } else {
    process.stderr.write(`${paint('red', 'Error:')} ${error.message}\n${paint('dim', error.hint ?? '')}\n`)
  }
  this.exit(exitCodeFor(error.code))
}
