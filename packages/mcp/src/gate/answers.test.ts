import { describe, expect, it } from 'vitest'
import { refusalText, rpcRefusal, toolRefusal, type Refusal } from './answers.js'

const base: Refusal = { kind: 'denied', server: 'files', operation: 'write_file', actionId: 'act-1', status: 'denied', reason: 'no writes', reasonCode: 'POLICY_DENY' }

describe('answers', () => {
  it('every refusal says Faramesh, that the tool was not run, and (when there is one) the action id; none reads as "not found"', () => {
    for (const kind of ['denied', 'expired', 'unavailable', 'closed', 'changed'] as const) {
      const t = refusalText({ ...base, kind })
      expect(t).toMatch(/Faramesh/)
      expect(t).toMatch(/was not run/)
      expect(t).not.toMatch(/not found|unknown tool/i)
      if (kind !== 'unavailable') expect(t).toContain('act-1')
    }
  })

  it('a denial names the reason, who denied, and how to ask for an exception', () => {
    const t = refusalText({ ...base, by: 'ann' })
    expect(t).toContain('Reason: no writes')
    expect(t).toContain('Denied by ann')
    expect(t).toMatch(/ask for an exception/)
    expect(t).toContain('"mcp:files"')
  })

  it('tools get an isError result with _meta["faramesh/action"]; reads get -32010 with data', () => {
    expect(toolRefusal(base)).toMatchObject({ isError: true, _meta: { 'faramesh/action': { id: 'act-1', refusal: 'denied', reason_code: 'POLICY_DENY' } } })
    expect(rpcRefusal(3, { ...base, operation: 'resources/read' })).toMatchObject({ id: 3, error: { code: -32010, data: { action_id: 'act-1', reason: 'no writes' } } })
  })
})
