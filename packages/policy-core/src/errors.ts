// One error spine for the package: every load, validation and canonicalisation problem is a PolicyError with a
// stable code, so the server, CLI and dashboard can map it without parsing messages.

export const POLICY_ERROR_CODES = {
  YAML_SYNTAX: 'The text is not valid YAML',
  INVALID_DOCUMENT: 'The document is not a mapping with the expected shape',
  SCHEMA_VIOLATION: 'A value has the wrong type or a required key is missing',
  UNKNOWN_KEY: 'A key is not part of the policy language',
  EMPTY_MATCH: 'A rule has an empty match mapping',
  NO_EFFECT: 'A rule has no effect (allow, deny or require_approval)',
  MULTIPLE_EFFECTS: 'A rule has more than one effect',
  INVALID_PATTERN: 'A pattern is not a valid RE2 regular expression',
  INVALID_NUMBER: 'A number is not finite',
  NOT_CANONICALIZABLE: 'A value cannot be written as canonical JSON',
  FILE_NOT_FOUND: 'The file does not exist',
  FILE_READ_ERROR: 'The file could not be read',
} as const

export type PolicyErrorCode = keyof typeof POLICY_ERROR_CODES

/** One problem found in a document. Lines and columns are 1-based; `path` looks like `rules[3].match.amount_gt`. */
export interface PolicyIssue {
  code: PolicyErrorCode
  message: string
  path: string | null
  line: number | null
  column: number | null
  /** A close known key when `code` is UNKNOWN_KEY. */
  suggestion?: string
}

export interface PolicyErrorInit {
  path?: string | null
  line?: number | null
  column?: number | null
  source?: string
  errors?: PolicyIssue[]
  cause?: unknown
}

export class PolicyError extends Error {
  override readonly name = 'PolicyError'
  readonly code: PolicyErrorCode
  readonly path: string | null
  readonly line: number | null
  readonly column: number | null
  readonly source?: string
  /** Every problem found (the first one is also this error's code/message/location). */
  readonly errors: PolicyIssue[]

  constructor(code: PolicyErrorCode, message: string, init: PolicyErrorInit = {}) {
    super(oneLine(message), init.cause === undefined ? undefined : { cause: init.cause })
    this.code = code
    this.path = init.path ?? null
    this.line = init.line ?? null
    this.column = init.column ?? null
    if (init.source !== undefined) this.source = init.source
    this.errors = (init.errors ?? [{ code, message, path: this.path, line: this.line, column: this.column }]).map((i) => ({
      ...i,
      message: oneLine(i.message),
    }))
  }

  /** Builds the error thrown for a rejected document: the first issue leads, all are listed. */
  static fromIssues(issues: PolicyIssue[], source?: string): PolicyError {
    const first = issues[0]
    if (!first) throw new TypeError('PolicyError.fromIssues needs at least one issue')
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : ''
    return new PolicyError(first.code, `${first.message}${more}`, {
      path: first.path,
      line: first.line,
      column: first.column,
      ...(source === undefined ? {} : { source }),
      errors: issues,
    })
  }

  /** `file:line:col path: message` lines, one per issue, for terminals and logs. */
  format(): string {
    const where = (i: PolicyIssue): string => {
      const loc = [this.source, i.line, i.column].filter((x) => x !== undefined && x !== null).join(':')
      const at = [loc, i.path].filter(Boolean).join(' ')
      return at ? `${at}: ` : ''
    }
    return this.errors.map((i) => `${where(i)}${i.message}`).join('\n')
  }
}

/** Messages are one line (logs, CLI tables); a pattern or YAML snippet inside one may contain line breaks. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ')
}

export function isPolicyError(value: unknown): value is PolicyError {
  return value instanceof PolicyError
}
