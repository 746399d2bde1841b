import { afterAll, beforeAll, describe } from 'vitest'
import { sqliteBackend, type TestDb } from './backends.js'
import { actionsContract } from './contract-actions.js'
import { auditContract } from './contract-audit.js'
import { chainContract } from './contract-chain.js'

const backend = sqliteBackend()
beforeAll(() => backend.setup())
afterAll(() => backend.teardown())

describe('sqlite ledger contract', () => {
  actionsContract(backend, async () => (await backend.fresh()).open())
  chainContract(backend, (): Promise<TestDb> => backend.fresh())
  auditContract(backend, (): Promise<TestDb> => backend.fresh())
})
