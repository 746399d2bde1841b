// Canonical JSON and sha256 come from @faramesh/policy-core so request hashes and chain hashes share one definition.
import { canonicalJson } from '@faramesh/policy-core'

export { canonicalJson, sha256Hex } from '@faramesh/policy-core'

/** A JSON string literal in canonical form. */
export function quote(s: string): string {
  return canonicalJson(s)
}
