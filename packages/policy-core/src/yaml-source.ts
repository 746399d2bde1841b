// YAML → JS value plus a map from YAML paths (`rules[3].match.amount_gt`) to source positions, so every problem
// found later (schema, effects, regex) can point at a line and column. One parse: the event stream feeds both.
import { CORE_SCHEMA, EVENT_ID, SCALAR_STYLE, YAMLException, constructFromEvents, getScalarValue, parseEvents } from 'js-yaml'
import type { Event } from 'js-yaml'
import { PolicyError } from './errors.js'

export interface SourcePosition {
  line: number
  column: number
}

export interface YamlSource {
  value: unknown
  /** Position of a key (for unknown-key errors) or, failing that, of the value at `path`. */
  locateKey(path: string): SourcePosition | null
  /** Position of the value at `path`, walking up to the nearest located ancestor. */
  locate(path: string): SourcePosition | null
}

interface Frame {
  kind: 'map' | 'seq' | 'doc'
  path: string | null
  index: number
  expectKey: boolean
  key: string | null
}

/** Appends a key to a path: `a.b`, or `a["odd key"]` when the key is not identifier-like. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return base === '' ? key : `${base}.${key}`
  return `${base}[${JSON.stringify(key)}]`
}

export function loadYaml(text: string, source?: string): YamlSource {
  let events: Event[]
  let docs: unknown[]
  try {
    events = parseEvents(text, source === undefined ? {} : { filename: source })
    docs = constructFromEvents(events, { source: text, schema: CORE_SCHEMA, maxAliases: 100 })
  } catch (err) {
    throw yamlError(err, source)
  }
  if (docs.length === 1 && exceedsNodeBudget(docs[0], MAX_EXPANDED_NODES)) {
    throw new PolicyError('INVALID_DOCUMENT', `The document expands to more than ${MAX_EXPANDED_NODES} values (aliases nested too deeply)`, {
      path: null,
      line: 1,
      column: 1,
      ...src(source),
    })
  }
  if (docs.length !== 1) {
    const message = docs.length === 0 ? 'The document is empty' : 'Expected one YAML document, found several'
    throw new PolicyError('INVALID_DOCUMENT', message, { path: null, line: 1, column: 1, ...src(source) })
  }
  const lineStarts = [0]
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1)
  const toPos = (offset: number): SourcePosition => {
    let lo = 0
    let hi = lineStarts.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((lineStarts[mid] as number) <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] as number) + 1 }
  }
  // Positions are only needed to report problems, so the path index is built on first use.
  let index: ReturnType<typeof indexPositions> | undefined
  const positions = (): ReturnType<typeof indexPositions> => (index ??= indexPositions(text, events))
  const locate = (path: string): SourcePosition | null => {
    const { keys, values } = positions()
    for (let p: string | null = path; p !== null; p = parentPath(p)) {
      const off = values.get(p) ?? keys.get(p)
      if (off !== undefined) return toPos(off)
    }
    return null
  }
  return {
    value: docs[0],
    locate,
    locateKey: (path) => {
      const off = positions().keys.get(path)
      return off === undefined ? locate(path) : toPos(off)
    },
  }
}

// Aliases share one JS object, but hashing and validation walk the expanded tree: a few nested aliases
// ("billion laughs") would make that walk effectively endless, so the expanded size is bounded up front.
const MAX_EXPANDED_NODES = 1_000_000

function exceedsNodeBudget(root: unknown, budget: number): boolean {
  let left = budget
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const v = stack.pop()
    if (--left < 0) return true
    if (Array.isArray(v)) for (const x of v) stack.push(x)
    else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) stack.push(x)
  }
  return false
}

function src(source: string | undefined): { source?: string } {
  return source === undefined ? {} : { source }
}

function yamlError(err: unknown, source: string | undefined): PolicyError {
  if (err instanceof YAMLException) {
    const line = err.mark ? err.mark.line + 1 : null
    const column = err.mark ? err.mark.column + 1 : null
    return new PolicyError('YAML_SYNTAX', `Invalid YAML: ${err.reason}`, { path: null, line, column, ...src(source), cause: err })
  }
  const message = err instanceof Error ? err.message : String(err)
  return new PolicyError('YAML_SYNTAX', `Invalid YAML: ${message}`, { path: null, ...src(source), cause: err })
}

/** `rules[3].match` → `rules[3]` → `rules` → `` → null. */
export function parentPath(path: string): string | null {
  if (path === '') return null
  const m = /(\.[^.[\]]+|\[[^\]]*\])$/.exec(path)
  return m ? path.slice(0, m.index) : ''
}

function indexPositions(text: string, events: Event[]): { keys: Map<string, number>; values: Map<string, number> } {
  const keys = new Map<string, number>()
  const values = new Map<string, number>()
  const stack: Frame[] = []
  for (const ev of events) {
    if (ev.type === EVENT_ID.DOCUMENT) {
      stack.push({ kind: 'doc', path: '', index: 0, expectKey: false, key: null })
      continue
    }
    if (ev.type === EVENT_ID.POP) {
      stack.pop()
      continue
    }
    const parent = stack[stack.length - 1]
    // Quoted scalars start at their opening quote, one before the value.
    const quoted = ev.type === EVENT_ID.SCALAR && (ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED)
    const offset =
      ev.type === EVENT_ID.SCALAR ? ev.valueStart - (quoted ? 1 : 0) : ev.type === EVENT_ID.ALIAS ? ev.anchorStart : ev.start
    let path: string | null = null
    if (parent && parent.path !== null) {
      if (parent.kind === 'doc') path = ''
      else if (parent.kind === 'seq') path = joinPath(parent.path, parent.index++)
      else if (parent.expectKey) {
        parent.expectKey = false
        parent.key = ev.type === EVENT_ID.SCALAR ? getScalarValue(text, ev) : null
        if (parent.key !== null) keys.set(joinPath(parent.path, parent.key), offset)
      } else {
        parent.expectKey = true
        if (parent.key !== null) path = joinPath(parent.path, parent.key)
      }
    }
    if (path !== null && !values.has(path)) values.set(path, offset)
    if (ev.type === EVENT_ID.MAPPING) stack.push({ kind: 'map', path, index: 0, expectKey: true, key: null })
    else if (ev.type === EVENT_ID.SEQUENCE) stack.push({ kind: 'seq', path, index: 0, expectKey: false, key: null })
  }
  return { keys, values }
}
