// Canonical JSON, ours against the library that does the nearest job: `canonicalize` (RFC 8785 JCS). Prints the median
// time per call on a gateway `decision_made` meta (flat, keys in order: our one-JSON.stringify fast path) and on a
// submit's request (nested params: the general path), and the inputs on which the two disagree byte for byte (the
// reason ours exists: request hashes must equal the original Python Faramesh's).
// Run: pnpm --filter @faramesh/policy-core build && pnpm --filter @faramesh/policy-core exec node bench/canonical-vs-library.ts
import canonicalize from 'canonicalize'
import { formatNs, measure } from './measure.ts'

type Core = typeof import('../src/index.js')
const core = (await import(new URL('../dist/index.js', import.meta.url).href)) as Core

const meta = { decision: 'allow', policy_hash: 'a'.repeat(64), reason_code: 'POLICY_ALLOW', risk_level: 'low', rule_index: 1 }
const request = {
  agent_id: 'billing-bot',
  context: { session: 's-1', trace: ['a', 'b'] },
  operation: 'refund',
  params: { amount: 1250.5, currency: 'EUR', customer: { id: 'cus_123', email: 'ana@example.com' }, note: 'Überweisung' },
  tool: 'stripe',
}
const cases = { 'decision_made meta (flat)': meta, 'submit request (nested)': request }
const opts = { perRound: 2_000, rounds: 301, warmupRounds: 50 }
for (const [name, value] of Object.entries(cases)) {
  const ours = measure(() => core.canonicalJson(value), opts).medianNs
  const lib = measure(() => canonicalize(value), opts).medianNs
  console.log(`${name.padEnd(28)} ours ${formatNs(ours).padStart(9)}   canonicalize ${formatNs(lib).padStart(9)}   ratio ×${(lib / ours).toFixed(2)}`)
}
for (const value of [1e21, 1e-7, { s: '\u2028' }, 10.0, -0]) {
  const a = core.canonicalJson(value)
  const b = canonicalize(value)
  if (a !== b) console.log(`differs: ours ${a}  canonicalize ${String(b)}`)
}
