// Expiry while held: the gateway's approval TTL, and the server entry's own call timeout.
import { FarameshConflictError } from '@faramesh/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sdkGate } from '../src/gate/sdk-gate.js'
import { startTestGateway, type TestGateway } from './gateway.js'
import { link, notesServer, NOTES_POLICY, settings, type Linked } from './harness.js'

let g: TestGateway
let l: Linked | undefined
beforeAll(async () => {
  g = await startTestGateway(NOTES_POLICY, { FARAMESH_APPROVAL_TTL: '1s' })
})
afterAll(async () => {
  await g?.close()
})
afterEach(async () => {
  await l?.close()
  l = undefined
})
const text = (r: unknown) => ((r as { content: Array<{ text: string }> }).content[0]?.text ?? '')

describe('expiry while held', () => {
  it("the gateway's approval TTL passes → isError 'nobody approved in time', never forwarded", async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server })
    const r = await l.client.callTool({ name: 'write_note', arguments: { title: 't', body: 'b' } })
    expect(r.isError).toBe(true)
    expect(text(r)).toMatch(/nobody approved this call in time/)
    const [a] = (await g.admin.listActions({ tool: 'mcp:notes', limit: 10 })).filter((x) => x.operation === 'write_note')
    expect(a?.status).toBe('timeout')
    expect(text(r)).toContain(a!.id)
    expect(notes.runs).toEqual([])
  })

  it("the entry's callTimeoutMs passes first → withdrawn, answered 'expired', a late approval gets 409", async () => {
    const g2 = await startTestGateway(NOTES_POLICY)
    try {
      const notes = notesServer()
      l = await link({ gate: sdkGate(g2.agent(), { pollIntervalMs: 100 }), server: notes.server, settings: settings({ callTimeoutMs: 400 }) })
      const r = await l.client.callTool({ name: 'write_note', arguments: { title: 't', body: 'b' } })
      expect(r.isError).toBe(true)
      expect(text(r)).toMatch(/nobody approved this call in time/)
      const [a] = await g2.admin.listActions({ tool: 'mcp:notes', limit: 10 })
      expect(a?.status).toBe('timeout')
      expect((await g2.admin.getEvents(a!.id)).at(-1)).toMatchObject({ event_type: 'timeout', meta: { reason: 'withdrawn' } })
      await expect(g2.approver.approveAction(a!.id)).rejects.toBeInstanceOf(FarameshConflictError)
      await new Promise((res) => setTimeout(res, 200))
      expect(notes.runs).toEqual([])
    } finally {
      await l?.close()
      l = undefined
      await g2.close()
    }
  })
})

