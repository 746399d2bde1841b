// Request bodies are read with policy-core's strict JSON reader (duplicate keys, prototype keys, lossy integers and
// deep nesting refused); here its problems become the gateway's 422 naming the field under `body`.
import { parseStrictJson as parseStrict, StrictJsonError } from '@faramesh/policy-core/strict-json'
import { validationError } from './errors.js'

/** Parse JSON text, refusing duplicate keys, prototype-polluting keys, NaN-like numbers and deep nesting (422). */
export function parseStrictJson(text: string): unknown {
  try {
    return parseStrict(text)
  } catch (err) {
    if (err instanceof StrictJsonError) throw validationError([{ loc: ['body', ...err.loc], msg: err.message, type: err.type }])
    throw err
  }
}
