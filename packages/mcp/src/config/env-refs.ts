// `${NAME}` references in FARAMESH_MCP_SERVERS: the upstream's credentials stay in the gateway's environment (or its
// .env), and the file names them. `$${` is a literal `${`. A value is split into literal text and references once,
// so the checks can tell what the operator wrote from what the environment supplied, and never need to print either.

/** A reference's name: what a shell would accept as a variable, upper case by convention and by rule. */
export const REF_NAME = /^[A-Z_][A-Z0-9_]*$/

export type Segment = { kind: 'text'; text: string } | { kind: 'ref'; name: string }

/** Why a template is malformed (never quoting it), or the segments it is made of. */
export function parseTemplate(value: string): { segments: Segment[] } | { error: string } {
  const segments: Segment[] = []
  let text = ''
  let i = 0
  while (i < value.length) {
    if (value.startsWith('$${', i)) {
      text += '${'
      i += 3
      continue
    }
    if (value.startsWith('${', i)) {
      const end = value.indexOf('}', i + 2)
      if (end < 0) return { error: 'has a `${` without its closing `}` (write `$${` for a literal `${`)' }
      const name = value.slice(i + 2, end)
      if (!REF_NAME.test(name))
        return {
          error:
            'has a reference that is not ${NAME} with NAME in A-Z, 0-9 and _ (write `$${` for a literal `${`)',
        }
      if (text !== '') segments.push({ kind: 'text', text })
      text = ''
      segments.push({ kind: 'ref', name })
      i = end + 1
      continue
    }
    text += value[i]
    i++
  }
  if (text !== '') segments.push({ kind: 'text', text })
  return { segments }
}

export const refsOf = (segments: Segment[]): string[] =>
  segments.flatMap((s) => (s.kind === 'ref' ? [s.name] : []))

/**
 * The literal part of a template (what the operator typed), each reference a space: `https://u:${PW}@h` must not
 * read as a URL with a password written in the file, which `https://u:@h` would.
 */
export const literalOf = (segments: Segment[]): string =>
  segments.map((s) => (s.kind === 'text' ? s.text : ' ')).join('')

/** The value with every reference replaced by `lookup(name)`; the caller has checked that each one resolves. */
export const resolveSegments = (segments: Segment[], lookup: (name: string) => string): string =>
  segments.map((s) => (s.kind === 'text' ? s.text : lookup(s.name))).join('')
