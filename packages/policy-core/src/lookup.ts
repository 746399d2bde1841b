// How a match key finds its value in a request (CONTRACT.md § Policy language): params[name], else
// context[name], else a dotted path inside params. Everything here tolerates any JSON shape: it never throws.


function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null
}

function own(obj: unknown, key: string): unknown {
  // Own properties only: `field: constructor` must not find Object.prototype.constructor.
  return isObject(obj) && Object.hasOwn(obj, key) ? obj[key] : undefined
}

/** Split once at compile time; null for a plain name. */
export function pathSegments(name: string): string[] | null {
  return name.includes('.') ? name.split('.') : null
}

/** The value named `name`; null and undefined count as missing so the next source is tried. */
export function lookupValue(params: unknown, context: unknown, name: string, segments: string[] | null): unknown {
  const p = own(params, name)
  if (p !== undefined && p !== null) return p
  const c = own(context, name)
  if (c !== undefined && c !== null) return c
  const d = segments === null ? undefined : walk(params, segments)
  // An explicit null is still a value (`field: x, value: null`), just the weakest one.
  return d ?? (p === null || c === null ? null : undefined)
}

export function walk(root: unknown, segments: readonly string[]): unknown {
  let cur = root
  for (const s of segments) {
    cur = own(cur, s)
    if (cur === undefined) return undefined
  }
  return cur
}

const NUMERIC = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/** A number, or a numeric string (so quoting an amount cannot dodge a limit); NaN otherwise. */
export function toNumber(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN
  if (typeof v === 'string' && NUMERIC.test(v)) {
    const n = Number(v)
    return Number.isFinite(n) ? n : NaN
  }
  if (typeof v === 'bigint') return Number(v)
  return NaN
}

/** JSON equality: `1` equals `1.0`, `"1"` does not equal `1`, objects compare by keys regardless of order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false
  }
  return true
}

/** Python-style truthiness, for required controls: null, false, 0, "", [] and {} are all "missing". */
export function isTruthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false
  if (typeof v === 'number' && Number.isNaN(v)) return false
  if (Array.isArray(v)) return v.length > 0
  if (typeof v === 'object') return Object.keys(v).length > 0
  return true
}
