// `faramesh lst` → `Error: Unknown command "lst". Did you mean "list"?` (exit 2), instead of oclif's bare message.
import type { Hook } from '@oclif/core'
import { CliError } from '../errors.js'
import { exitCodeFor } from '../exit-codes.js'
import { suggest } from '../invocation.js'
import { paint } from '../output/color.js'
import { stableJson } from '../output/json.js'

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length] as number
}

/** The known command closest to `id`, if it is close enough to be a typo. */
export function suggestCommand(id: string, known: readonly string[]): string | null {
  let best: string | null = null
  let bestScore = Infinity
  for (const k of known) {
    const d = distance(id, k)
    if (d < bestScore) [best, bestScore] = [k, d]
  }
  return best !== null && bestScore <= Math.max(2, Math.floor(id.length / 3)) ? best : null
}

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
