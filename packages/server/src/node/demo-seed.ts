// FARAMESH_DEMO=1: a handful of realistic actions through the real decision path, so a fresh dashboard has
// something to show. Only when the store is empty, so restarts never duplicate them.
import type { Ledger } from '@faramesh/ledger'
import type { ActionsService } from '../actions-service.js'
import { ANONYMOUS } from '../auth.js'
import type { SubmitBody } from '../schemas.js'

const DEMO: SubmitBody[] = [
  { agent_id: 'demo-agent', tool: 'http', operation: 'get', params: { url: 'https://api.example.com/status' } },
  { agent_id: 'demo-agent', tool: 'shell', operation: 'run', params: { cmd: 'ls -la /tmp' } },
  { agent_id: 'billing-bot', tool: 'stripe', operation: 'refund', params: { amount: 2500, currency: 'usd' } },
  { agent_id: 'billing-bot', tool: 'stripe', operation: 'refund', params: { amount: 40, currency: 'usd' } },
  { agent_id: 'ops-agent', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /var/lib/important' } },
  { agent_id: 'ops-agent', tool: 'db', operation: 'drop_table', params: { table: 'users' } },
]

export async function seedDemo(ledger: Ledger, service: ActionsService): Promise<number> {
  if ((await ledger.countActions()) > 0) return 0
  let n = 0
  for (const body of DEMO) {
    const action = await service.submit(ANONYMOUS, { ...body, context: { demo: true } }, undefined, (a) => a)
    n++
    // Walk one allowed action through a reported result so the timeline shows a full lifecycle.
    if (n === 1 && action.status === 'allowed') {
      await service.report(ANONYMOUS, action.id, { success: true, result: { status: 200 } })
    }
  }
  return n
}
