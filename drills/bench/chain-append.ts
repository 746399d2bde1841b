// The ceiling of the one global chain on Postgres: acknowledged createAction calls per second from one
// process through the ledger directly (no HTTP, no policy), each appending two chain events.
import { randomUUID } from 'node:crypto'
import type { ActionRecord } from '@faramesh/ledger'
import { openPostgresLedger } from '@faramesh/ledger/postgres'

export async function chainAppendRate(
  dsn: string,
  signingKeyPath: string,
  { total = 3000, concurrency = 64, rounds = 3 } = {},
): Promise<{ actionsPerSec: number; eventsPerSec: number; concurrency: number; rounds: number }> {
  const ledger = await openPostgresLedger(dsn, { signingKeyPath })
  const rates: number[] = []
  try {
    for (let round = 0; round < rounds; round++) {
      let next = 0
      const started = performance.now()
      const worker = async (): Promise<void> => {
        while (next++ < total) {
          const now = new Date().toISOString()
          const action: ActionRecord = {
            id: randomUUID(),
            agent_id: 'bench',
            tool: 'drill',
            operation: 'write',
            params: { n: next },
            context: {},
            status: 'allowed',
            decision: 'allow',
            reason: 'bench',
            risk_level: 'low',
            policy_version: null,
            approval_token_hash: null,
            approval_expires_at: null,
            submitted_by: null,
            result: null,
            error: null,
            created_at: now,
            updated_at: now,
          }
          await ledger.createAction(action, [
            { event_type: 'created', meta: {} },
            { event_type: 'decision_made', meta: { decision: 'allow' } },
          ])
        }
      }
      await Promise.all(Array.from({ length: concurrency }, worker))
      rates.push((total / (performance.now() - started)) * 1000)
    }
  } finally {
    await ledger.close()
  }
  const actionsPerSec = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)]!
  return { actionsPerSec, eventsPerSec: actionsPerSec * 2, concurrency, rounds }
}
