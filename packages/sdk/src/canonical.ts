// Canonical JSON and request hashes, so an agent can check that the gateway decided on exactly what it sent.
// The bytes are policy-core's own (its pure `/canonical` subpath: no YAML, ajv or node: imports). SHA-256 is
// synchronous plain JS because WebCrypto is async-only and `verifyRequestHash` returns a boolean, as in the original SDK.
import { canonicalJson as core } from '@faramesh/policy-core/canonical'
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

const K = Array.from({ length: 64 }, (_, i) => {
  // First 32 bits of the fractional parts of the cube roots of the first 64 primes.
  let p = 2
  for (let n = 0; n <= i; p++) if (isPrime(p)) n++
  return (Math.cbrt(p - 1) % 1) * 2 ** 32 >>> 0
})

function isPrime(n: number): boolean {
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false
  return true
}

export function sha256Hex(text: string): string {
  const bytes = new TextEncoder().encode(text)
  const len = bytes.length
  const words = new Uint32Array((((len + 9 + 63) >> 6) << 4))
  for (let i = 0; i < len; i++) words[i >> 2]! |= bytes[i]! << (24 - (i % 4) * 8)
  words[len >> 2]! |= 0x80 << (24 - (len % 4) * 8)
  words[words.length - 1] = len * 8
  words[words.length - 2] = Math.floor(len / 2 ** 29)
  const h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
  const w = new Uint32Array(64)
  const r = (x: number, n: number) => (x >>> n) | (x << (32 - n))
  for (let j = 0; j < words.length; j += 16) {
    for (let i = 0; i < 64; i++) {
      if (i < 16) w[i] = words[j + i]!
      else {
        const a = w[i - 15]!
        const b = w[i - 2]!
        w[i] = w[i - 16]! + (r(a, 7) ^ r(a, 18) ^ (a >>> 3)) + w[i - 7]! + (r(b, 17) ^ r(b, 19) ^ (b >>> 10))
      }
    }
    let [a, b, c, d, e, f, g, k] = h as [number, number, number, number, number, number, number, number]
    for (let i = 0; i < 64; i++) {
      const t1 = (k + (r(e, 6) ^ r(e, 11) ^ r(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0
      const t2 = ((r(a, 2) ^ r(a, 13) ^ r(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0
      k = g
      g = f
      f = e
      e = (d + t1) | 0
      d = c
      c = b
      b = a
      a = (t1 + t2) | 0
    }
    ;[a, b, c, d, e, f, g, k].forEach((x, i) => (h[i] = (h[i]! + x) | 0))
  }
  return h.map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('')
}

/** sha256 of the canonical `{agent_id, tool, operation, params, context}`, as the gateway computes it. */
export function computeRequestHash(payload: Record<string, unknown>): string {
  const { agent_id, tool, operation, params, context } = payload
  return sha256Hex(canonicalJson({ agent_id, tool, operation, params: params ?? {}, context: context ?? {} }))
}

export function verifyRequestHash(payload: Record<string, unknown>, expectedHash: string): boolean {
  return computeRequestHash(payload) === expectedHash
}
