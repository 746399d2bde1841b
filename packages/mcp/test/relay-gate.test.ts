import type { Action } from '@faramesh/policy-core'
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest'
import { sdkGate } from '../src/gate/sdk-gate.js'
import { startTestGateway, type TestGateway } from './gateway.js'
import { link, notesServer, NOTES_POLICY, until, type Linked } from './harness.js'

let g: TestGateway
let l: Linked | undefined
beforeAll(async () => {
  g = await startTestGateway(NOTES_POLICY)
})
afterAll(async () => {
  await g?.close()
})
afterEach(async () => {
  await l?.close()
  l = undefined
})

const actionsOf = async (op: string): Promise<Action[]> => (await g.admin.listActions({ tool: 'mcp:notes', limit: 100 })).filter((a) => a.operation === op)
const text = (r: unknown) => ((r as { content: Array<{ text: string }> }).content[0]?.text ?? '')

describe('a tools/call through the relay, decided by a real gateway', () => {
  it('allow: the server runs it, the client gets its result, and a digest (not the content) is reported', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server })
    const r = await l.client.callTool({ name: 'echo', arguments: { text: 'hi' } })
    expect(text(r)).toBe('echo: hi')
    expect(notes.runs).toEqual([['echo', { text: 'hi' }]])
    const done = await until(async () => (await actionsOf('echo')).find((a) => a.status === 'succeeded'), 5000, 'the reported action')
    expect(done.agent_id).toBe('a1')
    expect(done.params).toEqual({ text: 'hi' })
    expect(done.context).toMatchObject({ mcp: { server: 'notes', annotations: { readOnlyHint: true }, agent_source: 'client_info' } })
    const mcp = (done.result as { mcp: Record<string, unknown> }).mcp
    expect(mcp).toMatchObject({ is_error: false, content_types: ['text'], structured: false })
    expect(mcp.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(done.result)).not.toContain('echo: hi')
  })

  it('deny: isError naming Faramesh, the reason and the action id; the server never sees it', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server })
    const r = await l.client.callTool({ name: 'delete_all', arguments: {} })
    expect(r.isError).toBe(true)
    const [a] = await actionsOf('delete_all')
    expect(a?.status).toBe('denied')
    expect(text(r)).toContain('Faramesh denied this call')
    expect(text(r)).toContain(a!.id)
    expect(text(r)).toContain('Never delete every note')
    expect(text(r)).toMatch(/exception/)
    expect(text(r)).not.toMatch(/not found/i)
    expect(notes.runs).toEqual([])
  })
})
