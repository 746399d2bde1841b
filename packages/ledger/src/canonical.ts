// Canonical JSON and sha256 come from @faramesh/policy-core so request hashes and chain hashes share one definition.
import { canonicalJson } from '@faramesh/policy-core'

export { canonicalJson, sha256Hex } from '@faramesh/policy-core'

// Printable ASCII other than `"` and `\\` needs no escaping; ids, timestamps, hashes and event types always are.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/

/** A JSON string literal in canonical form (fast path for plain ASCII, which verify() hashes a million times). */
export function quote(s: string): string {
  return PLAIN.test(s) ? `"${s}"` : canonicalJson(s)
}
