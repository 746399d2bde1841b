// ID prefix matching, as the original CLI did it: a full id is used as is; a shorter one must name exactly one
// action. No match is "not found"; several matches are listed and the command fails, so nobody approves the
// wrong action by accident.
import { CliError } from './errors.js'
import { printable } from './output/terminal.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface PrefixCandidate {
  id: string
  status?: string | null
  tool?: string
  operation?: string
  created_at?: string
}

export interface PrefixSource<A extends PrefixCandidate> {
  get(id: string): Promise<A | null>
  /** Actions whose id starts with the prefix; may return more, they are filtered again here. */
  findByPrefix(prefix: string, limit: number): Promise<A[]>
}

export function isFullId(id: string): boolean {
  return UUID.test(id)
}

/** At most this many matches are listed when a prefix is ambiguous. */
const MAX_LISTED = 20

/** The id or prefix as typed, trimmed and lower-cased; USAGE when it cannot be one. */
export function normalizeIdInput(input: string): string {
  const prefix = input.trim().toLowerCase()
  if (prefix === '' || !/^[0-9a-f-]+$/.test(prefix)) {
    throw new CliError('USAGE', `"${input}" is not an action id or id prefix (hex digits and dashes)`)
  }
  return prefix
}

export async function resolveAction<A extends PrefixCandidate>(source: PrefixSource<A>, input: string): Promise<A> {
  const prefix = normalizeIdInput(input)
  if (isFullId(prefix)) {
    const action = await source.get(prefix)
    if (!action) throw new CliError('NOT_FOUND', `Action not found: ${prefix}`)
    return action
  }
  const found = (await source.findByPrefix(prefix, MAX_LISTED + 1)).filter((a) => a.id.toLowerCase().startsWith(prefix))
  if (found.length === 0) throw new CliError('NOT_FOUND', `No action id starts with "${prefix}"`)
  if (found.length > 1) {
    const shown = found.slice(0, MAX_LISTED)
    const lines = shown.map((a) => printable(`  ${a.id}  ${a.status ?? ''}  ${a.tool ?? ''} ${a.operation ?? ''}`.trimEnd()))
    const more = found.length > MAX_LISTED ? `\n  … and more` : ''
    throw new CliError('AMBIGUOUS_ID', `Prefix "${prefix}" matches ${found.length > MAX_LISTED ? `more than ${MAX_LISTED}` : found.length} actions:\n${lines.join('\n')}${more}`, {
      hint: 'Use more characters of the id.',
      details: { prefix, matches: shown.map((a) => ({ id: a.id, status: a.status ?? null, tool: a.tool ?? null, operation: a.operation ?? null })) },
    })
  }
  return found[0] as A
}
