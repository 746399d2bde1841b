// A strict JSON reader for request bodies (the gateway's, and the MCP gateway's JSON-RPC bodies). JSON.parse
// silently keeps the last of duplicate keys (so a policy check and the executor could read different values) and
// happily creates `__proto__` keys; both are refused here, with the location of the problem, so the caller gets an
// answer that names the field. No library refuses duplicate keys
// (JSON.parse with a reviver sees only the last value); on a 234-byte submit this reader takes about 2.6x JSON.parse
// and half the time of JSON.parse with a reviver that only refuses the prototype keys (4.2 / 1.6 / 8.8 µs, tinybench
// medians on the shared 2-core machine under load, 2026-12-07; `pnpm --filter @faramesh/server exec node
// bench/hand-written.ts` after a build).
// Lives here, below the server, so @faramesh/mcp (which never imports the server) reads bodies the same way.
import { formatNumber } from './canonical-json.js'

/** Where and why a text is not strict JSON. `loc` is the path to the problem inside the value (keys and indexes). */
export class StrictJsonError extends Error {
  override readonly name = 'StrictJsonError'
  constructor(
    message: string,
    readonly loc: Array<string | number>,
    /** value_error.jsondecode, .duplicate_key, .forbidden_key or .number (the gateway's 422 issue types). */
    readonly type: string,
  ) {
    super(message)
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const MAX_DEPTH = 64
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
// A JSON string body: no raw control characters, only valid escapes.
// eslint-disable-next-line no-control-regex -- refusing raw control characters is the point
const STRING_RE = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y

class Reader {
  pos = 0
  /** The path to the value being read; copied only when a problem is reported. */
  private readonly path: Array<string | number> = []
  constructor(readonly text: string) {}

  fail(msg: string, key?: string | number, type = 'value_error.jsondecode'): never {
    const loc = key === undefined ? [...this.path] : [...this.path, key]
    throw new StrictJsonError(`${msg} (at character ${this.pos})`, loc, type)
  }

  ws(): void {
    const t = this.text
    let p = this.pos
    for (;;) {
      const c = t.charCodeAt(p)
      if (c === 32 || c === 10 || c === 13 || c === 9) p++
      else break
    }
    this.pos = p
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`JSON nested deeper than ${MAX_DEPTH} levels`)
    this.ws()
    const c = this.text[this.pos]
    if (c === '{') return this.object(depth)
    if (c === '[') return this.array(depth)
    if (c === '"') return this.string()
    if (c === 't' && this.text.startsWith('true', this.pos)) return (this.pos += 4), true
    if (c === 'f' && this.text.startsWith('false', this.pos)) return (this.pos += 5), false
    if (c === 'n' && this.text.startsWith('null', this.pos)) return (this.pos += 4), null
    NUMBER_RE.lastIndex = this.pos
    const m = NUMBER_RE.exec(this.text)
    if (m) {
      this.pos += m[0].length
      const text = m[0]
      const n = Number(text)
      if (!Number.isFinite(n)) this.fail('Number out of range', undefined, 'value_error.number')
      // A long integer literal (a 64-bit id, say) that a double cannot hold digit for digit would be stored, shown,
      // executed and hashed as another number, and its request_hash would differ from the original's, which keeps
      // Python's exact int. Refuse it instead of changing it. Literals of 15 characters or fewer are always exact.
      if (text.length > 15 && !/[.eE]/.test(text) && formatNumber(n) !== text) {
        this.fail(`Integer ${text} would be kept as ${formatNumber(n)} (JSON numbers are doubles here); send it as a string`, undefined, 'value_error.number')
      }
      return n
    }
    return this.fail(c === undefined ? 'Unexpected end of JSON input' : 'Expecting value')
  }

  string(): string {
    STRING_RE.lastIndex = this.pos
    const m = STRING_RE.exec(this.text)
    if (!m) this.fail('Invalid string')
    this.pos += m[0].length
    return m[0].includes('\\') ? (JSON.parse(m[0]) as string) : m[0].slice(1, -1)
  }

  object(depth: number): Record<string, unknown> {
    this.pos++
    const out: Record<string, unknown> = {}
    this.ws()
    if (this.text[this.pos] === '}') return this.pos++, out
    for (;;) {
      this.ws()
      if (this.text[this.pos] !== '"') this.fail('Expecting property name enclosed in double quotes')
      const key = this.string()
      // `out` only ever holds keys read here (never __proto__), so an own key is a duplicate.
      if (Object.hasOwn(out, key)) this.fail(`Duplicate key '${key}'`, key, 'value_error.duplicate_key')
      if (FORBIDDEN_KEYS.has(key)) this.fail(`Key '${key}' is not allowed`, key, 'value_error.forbidden_key')
      this.ws()
      if (this.text[this.pos] !== ':') this.fail("Expecting ':' delimiter", key)
      this.pos++
      this.path.push(key)
      out[key] = this.value(depth + 1)
      this.path.pop()
      this.ws()
      const c = this.text[this.pos]
      if (c === ',') this.pos++
      else if (c === '}') return this.pos++, out
      else this.fail("Expecting ',' delimiter")
    }
  }

  array(depth: number): unknown[] {
    this.pos++
    const out: unknown[] = []
    this.ws()
    if (this.text[this.pos] === ']') return this.pos++, out
    for (;;) {
      this.path.push(out.length)
      out.push(this.value(depth + 1))
      this.path.pop()
      this.ws()
      const c = this.text[this.pos]
      if (c === ',') this.pos++
      else if (c === ']') return this.pos++, out
      else this.fail("Expecting ',' delimiter")
    }
  }
}

/** Parse JSON text, refusing duplicate keys, prototype-polluting keys, NaN-like numbers and deep nesting. */
export function parseStrictJson(text: string): unknown {
  const r = new Reader(text)
  const v = r.value(0)
  r.ws()
  if (r.pos !== text.length) r.fail('Extra data after the JSON value')
  return v
}
