import { FarameshConflictError } from '@faramesh/sdk'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import type { RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, type TestGateway } from '../../test/gateway.js'
import { notesServer, NOTES_POLICY, until, type NotesServer } from '../../test/harness.js'
import { sdkGate } from '../gate/sdk-gate.js'
import { governTools } from './govern-tools.js'

let g: TestGateway
let client: Client | undefined
let notes: NotesServer | undefined
beforeAll(async () => {
  g = await startTestGateway(NOTES_POLICY)
})
afterAll(async () => {
  await g?.close()
})
afterEach(async () => {
  await client?.close()
  await notes?.server.close()
  client = notes = undefined
})

const text = (r: unknown) => ((r as { content: Array<{ text: string }> }).content[0]?.text ?? '')
const registered = (n: NotesServer) => Object.values((n.server as unknown as { _registeredTools: Record<string, RegisteredTool> })._registeredTools)

async function governed(agentId?: string) {
  notes = notesServer()
  governTools(notes.server, registered(notes), { server: 'notes', gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), progressIntervalMs: 100, ...(agentId ? { agentId } : {}) })
  const [a, b] = InMemoryTransport.createLinkedPair()
  await notes.server.connect(b)
  client = new Client({ name: 'a1', version: '1' })
  await client.connect(a)
  return { notes, client }
}
const actions = async (op: string) => (await g.admin.listActions({ tool: 'mcp:notes', limit: 100 })).filter((x) => x.operation === op)

describe('governTools on an SDK McpServer, in process', () => {
  it('allow: runs the tool and reports a digest of its result', async () => {
    const { notes, client } = await governed()
    expect(text(await client.callTool({ name: 'echo', arguments: { text: 'in' } }))).toBe('echo: in')
    expect(notes.runs).toEqual([['echo', { text: 'in' }]])
    const a = await until(async () => (await actions('echo')).find((x) => x.status === 'succeeded'))
    expect(a.context).toMatchObject({ mcp: { server: 'notes', annotations: { readOnlyHint: true }, agent_source: 'client_info' } })
    expect(a.result).toMatchObject({ mcp: { is_error: false, content_types: ['text'] } })
  })

  it('deny: the same isError answer as the relay, the tool never runs', async () => {
    const { notes, client } = await governed('a1')
    const r = await client.callTool({ name: 'delete_all', arguments: {} })
    expect(r.isError).toBe(true)
    expect(text(r)).toContain('Faramesh denied this call')
    const [a] = await actions('delete_all')
    expect(text(r)).toContain(a!.id)
    expect(a!.context).toMatchObject({ mcp: { agent_source: 'flag' } })
    expect(notes.runs).toEqual([])
  })

  it('approval: held with progress, runs once approved', async () => {
    const { notes, client } = await governed()
    const seen: number[] = []
    const call = client.callTool({ name: 'write_note', arguments: { title: 'i', body: 'p' } }, undefined, { onprogress: (p) => seen.push(p.progress) })
    const held = await until(async () => (await actions('write_note')).find((x) => x.status === 'pending_approval'))
    await until(() => (seen.length >= 2 ? true : undefined))
    expect(notes.runs).toEqual([])
    await g.approver.approveAction(held.id)
    expect(text(await call)).toBe('wrote i')
    expect(notes.runs).toEqual([['write_note', { title: 'i', body: 'p' }]])
    await until(async () => ((await g.admin.getAction(held.id)).status === 'succeeded' ? true : undefined))
  })

  it('cancel while held: withdrawn, a late approval gets 409, the tool never runs', async () => {
    const { notes, client } = await governed()
    const ctl = new AbortController()
    const call = client.callTool({ name: 'write_note', arguments: { title: 'c', body: 'x' } }, undefined, { signal: ctl.signal })
    const held = await until(async () => (await actions('write_note')).find((x) => x.status === 'pending_approval' && (x.params as { title?: string }).title === 'c'))
    ctl.abort()
    await expect(call).rejects.toThrow()
    await until(async () => ((await g.admin.getAction(held.id)).status === 'timeout' ? true : undefined))
    await expect(g.approver.approveAction(held.id)).rejects.toBeInstanceOf(FarameshConflictError)
    expect(notes.runs).toEqual([])
  })
})
