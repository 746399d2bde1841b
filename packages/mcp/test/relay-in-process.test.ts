// The relay on the gateway's own in-process gate (what /mcp/<name> uses): the same behaviour as over HTTP.
import { FarameshConflictError } from '@faramesh/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { GatePort } from '../src/types.js'
import { AGENT_A1, startTestGateway, type TestGateway } from './gateway.js'
import { link, notesServer, NOTES_POLICY, until, type Linked } from './harness.js'

let g: TestGateway
let gate: GatePort
let l: Linked | undefined
beforeAll(async () => {
  g = await startTestGateway(NOTES_POLICY)
  gate = g.host.gateFor({ ...AGENT_A1 })
})
afterAll(async () => {
  await g?.close()
})
afterEach(async () => {
  await l?.close()
  l = undefined
})
const actions = async (op: string) => (await g.admin.listActions({ tool: 'mcp:notes', limit: 100 })).filter((x) => x.operation === op)
const text = (r: unknown) => ((r as { content: Array<{ text: string }> }).content[0]?.text ?? '')
const identity = { agentId: 'a1', source: 'token' as const }

describe('the relay on the in-process gate', () => {
  it('allow (started at submit): forwarded, answered, the digest reported', async () => {
    const notes = notesServer()
    l = await link({ gate, server: notes.server, identity })
    expect(text(await l.client.callTool({ name: 'echo', arguments: { text: 'ip' } }))).toBe('echo: ip')
    const a = await until(async () => (await actions('echo')).find((x) => x.status === 'succeeded'))
    expect(a.result).toMatchObject({ mcp: { is_error: false } })
  })

  it('deny: isError, never forwarded', async () => {
    const notes = notesServer()
    l = await link({ gate, server: notes.server, identity })
    const r = await l.client.callTool({ name: 'delete_all', arguments: {} })
    expect(r.isError).toBe(true)
    expect(text(r)).toContain('Faramesh denied this call')
    expect(notes.runs).toEqual([])
  })

  it('approval through the API releases the held call; cancel while held withdraws it', async () => {
    const notes = notesServer()
    l = await link({ gate, server: notes.server, identity })
    const call = l.client.callTool({ name: 'write_note', arguments: { title: 'ok', body: 'b' } })
    const held = await until(async () => (await actions('write_note')).find((x) => x.status === 'pending_approval'))
    await g.approver.approveAction(held.id)
    expect(text(await call)).toBe('wrote ok')
    await until(async () => ((await g.admin.getAction(held.id)).status === 'succeeded' ? true : undefined))

    const ctl = new AbortController()
    const late = l.client.callTool({ name: 'write_note', arguments: { title: 'no', body: 'b' } }, undefined, { signal: ctl.signal })
    const held2 = await until(async () => (await actions('write_note')).find((x) => x.status === 'pending_approval'))
    ctl.abort()
    await expect(late).rejects.toThrow()
    await until(async () => ((await g.admin.getAction(held2.id)).status === 'timeout' ? true : undefined))
    await expect(g.approver.approveAction(held2.id)).rejects.toBeInstanceOf(FarameshConflictError)
    expect(notes.runs).toEqual([['write_note', { title: 'ok', body: 'b' }]])
  })

  it("a person's denial while held names who denied and why", async () => {
    const notes = notesServer()
    l = await link({ gate, server: notes.server, identity })
    const call = l.client.callTool({ name: 'write_note', arguments: { title: 'deny-me', body: 'b' } })
    const held = await until(async () => (await actions('write_note')).find((x) => x.status === 'pending_approval' && (x.params as { title?: string }).title === 'deny-me'))
    await g.approver.denyAction(held.id, undefined, 'not this one')
    const r = await call
    expect(r.isError).toBe(true)
    expect(text(r)).toContain('Denied by approver-ann')
    expect(text(r)).toContain('not this one')
    expect(notes.runs).toEqual([])
  })

  it('hides what the policy denies outright through deniedOperations', async () => {
    const notes = notesServer()
    const { settings } = await import('./harness.js')
    l = await link({ gate, server: notes.server, identity, settings: settings({ name: 'hints', hideDeniedTools: true }) })
    expect((await l.client.listTools()).tools.map((t) => t.name)).toEqual(['echo'])
  })
})
