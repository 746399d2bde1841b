// What the environment supplied to FARAMESH_MCP_SERVERS is secret: it may be a token, and the point of the gateway
// is that agents never see the upstream's credentials. Two guards: `redact` masks every resolved value in text that
// may have seen one (an upstream's error message, a child's stderr), and `seal` makes an object that holds resolved
// values print and serialize without them (JSON.stringify, util.inspect, console.log, a logger's fields).

export const REDACTED = '[redacted]'

/** Values shorter than this are not masked: `1`, `true` or `info` would turn every log line into noise. */
export const MIN_REDACT_LENGTH = 6

export type Redactor = (text: string) => string

/** A redactor for these values (longest first, so a value containing another is masked whole). */
export function createRedactor(values: Iterable<string>): Redactor {
  const list = [...new Set([...values].filter((v) => v.length >= MIN_REDACT_LENGTH))].sort(
    (a, b) => b.length - a.length,
  )
  if (list.length === 0) return (text) => text
  return (text) => {
    let out = text
    for (const v of list) if (out.includes(v)) out = out.split(v).join(REDACTED)
    return out
  }
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/**
 * Give `target` a JSON form and an inspect form of `view()`. They live on its prototype, not on the object: fetch's
 * Headers and spawn's env read every own key (a symbol among them throws), and Object.entries or a spread must
 * still see only the real fields. Returns `target`.
 */
export function seal<T extends object>(target: T, view: () => unknown): T {
  const proto = Object.create(Object.prototype, {
    toJSON: { value: view },
    [INSPECT]: { value: () => view() },
  }) as object
  return Object.setPrototypeOf(target, proto) as T
}

/** A record of resolved values (headers, env) that prints as its keys with every value `[redacted]`. */
export function sealedRecord(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...values }
  return seal(out, () => Object.fromEntries(Object.keys(values).map((k) => [k, REDACTED])))
}
