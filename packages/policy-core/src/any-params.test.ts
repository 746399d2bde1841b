import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { deniedForAnyParams } from './any-params.js'
import { evaluate } from './evaluate.js'
import { parsePolicy } from './parse-policy.js'

const policy = parsePolicy(`
rules:
  - match: {tool: "mcp:files", op: delete_all}
    deny: true
  - match: {tool: "mcp:files", op: write_file, contains: "/etc"}
    deny: true
  - match: {tool: "mcp:files", op: write_file, mcp_hint: destructive}
    require_approval: true
  - match: {tool: "mcp:files", op: read_file}
    allow: true
  - match: {tool: "mcp:files", op: move_file, field: force, value: true}
    allow: true
  - match: {tool: "*", op: shutdown}
    deny: true
  - match: {tool: "mcp:files", agent_id: trusted, op: "*"}
    allow: true
`)

const req = (operation: string, extra: Record<string, unknown> = {}) => ({ agent_id: 'a1', tool: 'mcp:files', operation, context: {}, ...extra })

describe('deniedForAnyParams', () => {
  it('says denied only when no params can get past the policy', () => {
    expect(deniedForAnyParams(policy, req('delete_all'))).toBe(true) // a deny rule without params
    expect(deniedForAnyParams(policy, req('write_file'))).toBe(false) // approval for any params outside /etc
    expect(deniedForAnyParams(policy, req('read_file'))).toBe(false)
    expect(deniedForAnyParams(policy, req('move_file'))).toBe(false) // {force: true} is allowed
    expect(deniedForAnyParams(policy, req('shutdown'))).toBe(true) // any-tool rule, in order
    expect(deniedForAnyParams(policy, req('list_directory'))).toBe(true) // no rule: deny by default
    expect(deniedForAnyParams(policy, req('list_directory', { agent_id: 'trusted' }))).toBe(false)
    expect(deniedForAnyParams(policy, req('delete_all', { agent_id: 'trusted' }))).toBe(true)
  })

  it('reads mcp_hint from the context it is given, never from params', () => {
    const p = parsePolicy('rules:\n  - match: {tool: t, mcp_hint: destructive}\n    deny: true\n  - match: {tool: t}\n    allow: true\n')
    const ctx = (annotations: unknown) => ({ agent_id: 'a', tool: 't', operation: 'o', context: { mcp: { annotations } } })
    expect(deniedForAnyParams(p, ctx(null))).toBe(true)
    expect(deniedForAnyParams(p, ctx({ readOnlyHint: true }))).toBe(false)
    expect(deniedForAnyParams(p, { ...ctx(null), params: { mcp: { annotations: { readOnlyHint: true } } } })).toBe(true)
  })

  it('never says denied for a request that some params get allowed or held (property)', () => {
    const ops = ['delete_all', 'write_file', 'read_file', 'move_file', 'shutdown', 'list_directory']
    fc.assert(
      fc.property(
        fc.constantFrom(...ops),
        fc.constantFrom('a1', 'trusted'),
        fc.record({ force: fc.constantFrom(true, false, 'x'), path: fc.constantFrom('/etc/passwd', '/tmp/a') }, { requiredKeys: [] }),
        (operation, agent_id, params) => {
          if (deniedForAnyParams(policy, req(operation, { agent_id }))) {
            expect(evaluate(policy, { ...req(operation, { agent_id }), params }).decision).toBe('deny')
          }
        },
      ),
    )
  })
})
