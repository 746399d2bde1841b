// How the user runs this CLI, so that every hint names a command that works for them (README § Install): from a
// clone, `pnpm faramesh …` runs the root package's `faramesh` script; `faramesh …` is the command on PATH (npm
// link, or the wrapper the README shows).

/** `pnpm faramesh` when started by the repository's `faramesh` script, else `faramesh`. */
export function cliName(env: Record<string, string | undefined> = process.env): string {
  return env.npm_lifecycle_event === 'faramesh' ? 'pnpm faramesh' : 'faramesh'
}

/** A command to suggest, in backquotes: `faramesh serve`, or `pnpm faramesh serve` from a clone. */
export function suggest(rest: string): string {
  return `\`${cliName()} ${rest}\``
}
