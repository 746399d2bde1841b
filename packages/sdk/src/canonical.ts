// Canonical JSON and request hashes, so an agent can check that the gateway decided on exactly what it sent.
// Same bytes as @faramesh/policy-core (CONTRACT.md § Hashes), re-implemented here because the SDK must not
// carry policy-core at run time; a property test holds the two together. SHA-256 is synchronous plain JS
// because WebCrypto is async-only and `verifyRequestHash` returns a boolean, as in the original SDK.
import { FarameshValidationError } from './errors.js'

const ESC: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function str(s: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${s.replace(/["\\\u0000-\u001f]/g, (c) => ESC[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`
}

function num(n: number): string {
  if (!Number.isFinite(n)) throw new FarameshValidationError('NaN and Infinity cannot be canonicalised', { statusCode: undefined })
  if (n === 0) return '0'
  const s = String(n)
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s)
  if (!m) return s
  const digits = m[2]! + (m[3] ?? '')
  const exp = Number(m[4])
  return m[1]! + (exp >= 0 ? digits.padEnd(exp + 1, '0') : `0.${'0'.repeat(-exp - 1)}${digits}`)
}

// Keys sorted by code point, not by UTF-16 unit (they differ above U+FFFF).
const byCodePoint = (a: string, b: string) => {
  const x = [...a]
  const y = [...b]
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!
    if (d) return d
  }
  return x.length - y.length
}

export function canonicalJson(v: unknown): string {
  if (v === null) return 'null'
  if (typeof v === 'string') return str(v)
  if (typeof v === 'number') return num(v)
  if (typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort(byCodePoint)
    return `{${keys.map((k) => `${str(k)}:${canonicalJson(o[k])}`).join(',')}}`
  }
  throw new FarameshValidationError(`Cannot canonicalise a ${typeof v}`, { statusCode: undefined })
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
