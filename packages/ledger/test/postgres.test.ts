import { afterAll, beforeAll, describe } from 'vitest'
import type { TestDb } from './backends.js'
import { actionsContract } from './contract-actions.js'
import { auditContract } from './contract-audit.js'
import { chainContract } from './contract-chain.js'
import { postgresBackend } from './postgres-backend.js'

const backend = postgresBackend()
beforeAll(() => backend.setup(), 60_000)
afterAll(() => backend.teardown(), 60_000)

describe('postgres ledger contract', () => {
  actionsContract(backend, async () => (await backend.fresh()).open())
  chainContract(backend, (): Promise<TestDb> => backend.fresh())
  auditContract(backend, (): Promise<TestDb> => backend.fresh())
})
