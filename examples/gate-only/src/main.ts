// Gate-only: ask Faramesh what it would decide, without creating an action. Useful as a pre-check, in CI for
// policies, or as a non-bypassable gate in front of your own executor.
// Usage: FARAMESH_BASE_URL=http://127.0.0.1:8000 pnpm start
import { configure, executeIfAllowed, gateDecide, listActions, verifyRequestHash } from '@faramesh/sdk'

// One readable line on failure (e.g. "FarameshUnavailableError: Cannot reach Faramesh at ..."), not a stack.
process.on('uncaughtException', (e) => {
  console.error(`${e.name}: ${e.message}`)
  process.exit(1)
})

configure({ agentId: 'gate-demo' }) // base URL and token from FARAMESH_BASE_URL / FARAMESH_TOKEN

const requests = [
  { tool: 'http', operation: 'get', params: { path: '/status' } },
  { tool: 'http', operation: 'get', params: { path: '/admin/users' } },
  { tool: 'payments', operation: 'refund', params: { amount: 40 } },
  { tool: 'payments', operation: 'refund', params: { amount: '2500' } },
  { tool: 'shell', operation: 'run', params: { cmd: 'cat /etc/passwd' } },
]

const before = (await listActions({ limit: 1000 })).length

for (const r of requests) {
  const d = await gateDecide('gate-demo', r.tool, r.operation, r.params)
  // The gateway hashed exactly what we sent: check it, so a proxy cannot have changed the request.
  const hashOk = verifyRequestHash({ agent_id: 'gate-demo', ...r, context: {} }, d.request_hash)
  const what = `${r.tool}.${r.operation} ${JSON.stringify(r.params)}`.padEnd(46)
  console.log(`${what} ${d.outcome.padEnd(7)} ${d.reason_code.padEnd(24)} risk=${d.risk_level ?? '-'} hash=${hashOk ? 'ok' : 'MISMATCH'}  ${d.reason ?? ''}`)
}

// Run your own executor only when the gate says EXECUTE.
const refund = await executeIfAllowed({
  agentId: 'gate-demo',
  tool: 'payments',
  operation: 'refund',
  params: { amount: 40 },
  executor: async (_tool, _op, params) => ({ refunded: params.amount }),
})
console.log(`executeIfAllowed: executed=${refund.executed} result=${JSON.stringify(refund.executionResult)}`)

const after = (await listActions({ limit: 1000 })).length
console.log(`actions stored: before=${before} after=${after}`)
