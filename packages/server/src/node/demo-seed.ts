// FARAMESH_DEMO=1: a handful of realistic actions through the real decision path, so a fresh dashboard has
// something to show. Only when the store is empty, so restarts never duplicate them; otherwise one log line says
// why nothing was seeded (a user who asked for demo data and sees none should not have to guess).
import type { Ledger } from '@faramesh/ledger'
import type { ActionsService } from '../actions-service.js'
import { ANONYMOUS } from '../auth.js'
import { silentLogger, type Logger } from '../logger.js'
import type { SubmitBody } from '../schemas.js'

const DEMO: SubmitBody[] = [
  { agent_id: 'demo-agent', tool: 'http', operation: 'get', params: { url: 'https://api.example.com/status' } },
  { agent_id: 'demo-agent', tool: 'shell', operation: 'run', params: { cmd: 'ls -la /tmp' } },
  { agent_id: 'billing-bot', tool: 'stripe', operation: 'refund', params: { amount: 2500, currency: 'usd' } },
  { agent_id: 'billing-bot', tool: 'stripe', operation: 'refund', params: { amount: 40, currency: 'usd' } },
  { agent_id: 'ops-agent', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /var/lib/important' } },
  { agent_id: 'ops-agent', tool: 'db', operation: 'drop_table', params: { table: 'users' } },
]

/**
 * Seeds the demo actions into an empty store and returns how many; on a store that holds actions it seeds nothing,
 * returns 0 and logs why.
 */
export async function seedDemo(ledger: Ledger, service: ActionsService, logger: Logger = silentLogger): Promise<number> {
  const existing = await ledger.countActions()
  if (existing > 0) {
    const held = existing === 1 ? '1 action' : `${existing} actions`
    logger.warn(`demo seed skipped: the store already holds ${held} (FARAMESH_DEMO=1 seeds only an empty store)`, { existing })
    return 0
  }
  let n = 0
  for (const body of DEMO) {
    const action = await service.submit(ANONYMOUS, { ...body, context: { demo: true } }, undefined, (a) => a)
    n++
    // Walk one allowed action through a reported result so the timeline shows a full lifecycle.
    if (n === 1 && action.status === 'allowed') {
      await service.report(ANONYMOUS, action.id, { success: true, result: { status: 200 } })
    }
  }
  logger.info('seeded demo actions', { count: n })
  return n
}
