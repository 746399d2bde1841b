import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ActionRecord } from '@faramesh/ledger'
import { openSqliteLedger } from '@faramesh/ledger/sqlite'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { renderApiAction, toApiAction } from './action-view.js'

const HIDDEN = ['approval_token_hash', 'idempotency_key']

async function stored(patch: Partial<ActionRecord>): Promise<ActionRecord> {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-view-'))
  const ledger = await openSqliteLedger(join(dir, 'a.db'))
  try {
    const at = new Date().toISOString()
    const base: ActionRecord = {
      id: crypto.randomUUID(), agent_id: 'agent-1', tool: 'shell', operation: 'run', params: { cmd: "echo 'hi'" }, context: { k: 1 },
      status: 'allowed', decision: 'allow', reason: 'ok', risk_level: 'low', policy_version: 'sha256:abc', approval_token_hash: 'f'.repeat(64),
      approval_expires_at: null, submitted_by: 'alice', idempotency_key: 'key-1', result: null, error: null, created_at: at, updated_at: at,
      outcome: 'EXECUTE', reason_code: 'POLICY_ALLOW', reason_details: { why: 'x' }, risk_rule: null, rule_index: 0, request_hash: 'a'.repeat(64),
      policy_hash: 'b'.repeat(64), profile_id: null, profile_version: null, profile_hash: null, runtime_version: 'faramesh-ts/test', provenance_id: 'c'.repeat(64),
    }
    await ledger.createAction({ ...base, ...patch }, [{ event_type: 'created', meta: {} }])
    return (await ledger.getAction(base.id))!
  } finally {
    await ledger.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('toApiAction', () => {
  it('shows every stored column but the token hash and the Idempotency-Key, in the ledger order, then the API fields', async () => {
    const rec = await stored({})
    const json = JSON.parse(JSON.stringify(toApiAction(rec))) as Record<string, unknown>
    expect(Object.keys(json)).toEqual([...Object.keys(rec).filter((k) => !HIDDEN.includes(k)), 'approval_token', 'js_example', 'python_example'])
    for (const k of Object.keys(rec)) if (!HIDDEN.includes(k)) expect(json[k]).toEqual((rec as unknown as Record<string, unknown>)[k])
    expect(json.approval_token).toBeNull()
    expect(json.python_example).toContain(`params=json.loads('{"cmd":"echo \\'hi\\'"}')`)
  })

  it('attaches the clear approval token only to a pending action, and leaves the snippets out when asked', async () => {
    const pending = await stored({ status: 'pending_approval', decision: 'require_approval' })
    expect(toApiAction(pending, { approvalToken: 'tok' }).approval_token).toBe('tok')
    expect(toApiAction(pending).approval_token).toBeNull()
    const allowed = await stored({})
    expect(toApiAction(allowed, { approvalToken: 'tok' }).approval_token).toBeNull()
    const bare = JSON.parse(JSON.stringify(toApiAction(allowed, { examples: false }))) as Record<string, unknown>
    expect(Object.keys(bare).at(-1)).toBe('approval_token')
    expect(bare).not.toHaveProperty('js_example')
  })
})

describe('renderApiAction', () => {
  it('is JSON.stringify(toApiAction(…)) byte for byte, whatever the text (property)', async () => {
    const base = await stored({})
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.constantFrom("it's", 'a"b\\c', 'line\nbreak\u2028', '\ud800'))
    fc.assert(
      fc.property(
        fc.record({ agent_id: text, tool: text, operation: text, params: fc.dictionary(text, fc.jsonValue()), context: fc.dictionary(text, fc.jsonValue()) }),
        fc.constantFrom('allowed', 'pending_approval'),
        fc.option(text),
        fc.boolean(),
        (fields, status, approvalToken, examples) => {
          const rec = { ...base, ...fields, status } as ActionRecord
          const opts = { approvalToken, examples }
          expect(renderApiAction(rec, opts)).toBe(JSON.stringify(toApiAction(rec, opts)))
          expect(renderApiAction(rec)).toBe(JSON.stringify(toApiAction(rec)))
        },
      ),
      { numRuns: 300 },
    )
  })
})
