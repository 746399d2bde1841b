// A submit hands the ledger its record as one literal in the ledger's column order (the order of the drizzle
// schema, which @faramesh/ledger's ACTION_COLUMNS is generated from): the row encoder then sees one stable object
// shape. A column added to the schema but not to the service's literal, or written out of order, fails here.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parsePolicy } from '@faramesh/policy-core'
import { ACTION_COLUMNS, type ActionRecord, type Ledger } from '@faramesh/ledger'
import { openSqliteLedger } from '@faramesh/ledger/sqlite'
import { afterAll, expect, it } from 'vitest'
import { createApp } from '../src/app.js'
import { createAuthenticator } from '../src/auth.js'
import { staticPolicySource } from '../src/policy-source.js'
import { call, POLICY } from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'faramesh-record-shape-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const seen: string[][] = []

/** The real ledger, noting the keys of each record it is asked to stage. */
function observed(ledger: Ledger): Ledger {
  return new Proxy(ledger, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown
      if (prop === 'stageAction') {
        return (rec: ActionRecord, ...rest: unknown[]) => {
          seen.push(Object.keys(rec))
          return (value as (...a: unknown[]) => unknown).call(target, rec, ...rest)
        }
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value
    },
  })
}

it('stages every submitted action with exactly the schema columns, in schema order', async () => {
  const ledger = await openSqliteLedger(join(dir, 'actions.db'))
  const app = createApp({
    ledger: observed(ledger),
    policy: staticPolicySource(parsePolicy(POLICY, { source: 'test.yaml' })),
    auth: createAuthenticator({}),
    config: { executors: [] },
  })
  for (const body of [
    { agent_id: 'a1', tool: 'http', operation: 'get' },
    { agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'ls' } },
    { agent_id: 'a1', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /' } },
  ]) {
    expect((await call(app, 'POST', '/v1/actions', body)).status).toBe(200)
  }
  await app.close()
  await ledger.close()
  expect(seen).toEqual([Object.keys(ACTION_COLUMNS), Object.keys(ACTION_COLUMNS), Object.keys(ACTION_COLUMNS)])
})
