// Canonical JSON and request hashes, so an agent can check that the gateway decided on exactly what it sent.
// The bytes are policy-core's own (its pure `/canonical` subpath: no YAML, ajv or node: imports). SHA-256 is
// @noble/hashes (audited, browser-safe), synchronous because WebCrypto is async-only and `verifyRequestHash` returns a
// boolean, as in the original SDK.
import { canonicalJson as core } from '@faramesh/policy-core/canonical'
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js'
import { FarameshValidationError } from './errors.js'

/**
 * What travels: JSON.stringify leaves out undefined members and writes undefined array items as null, so a request
 * the SDK sent with `{x: undefined}` was hashed by the gateway without `x`. Anything else goes to policy-core as is.
 */
function sent(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sent(x)))
  if (v === null || typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return v
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = sent(x)
  return out
}

/** Canonical JSON text (CONTRACT.md § Hashes); NaN, Infinity and other values JSON cannot hold throw FarameshValidationError. */
export function canonicalJson(v: unknown): string {
  try {
    return core(sent(v))
  } catch (e) {
    throw new FarameshValidationError((e as Error).message, { statusCode: undefined, cause: e })
  }
}

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)))
}

/** sha256 of the canonical `{agent_id, tool, operation, params, context}`, as the gateway computes it. */
export function computeRequestHash(payload: Record<string, unknown>): string {
  const { agent_id, tool, operation, params, context } = payload
  return sha256Hex(canonicalJson({ agent_id, tool, operation, params: params ?? {}, context: context ?? {} }))
}

export function verifyRequestHash(payload: Record<string, unknown>, expectedHash: string): boolean {
  return computeRequestHash(payload) === expectedHash
}
