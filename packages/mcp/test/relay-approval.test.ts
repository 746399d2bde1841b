import type { Action } from '@faramesh/policy-core'
import { computeRequestHash } from '@faramesh/sdk'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
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

const pending = (seen: Set<string>) =>
  until(async () => (await g.admin.listActions({ tool: 'mcp:notes', status: 'pending_approval', limit: 100 })).find((a) => !seen.has(a.id)), 5000, 'a held action')
const text = (r: unknown) => ((r as { content: Array<{ text: string }> }).content[0]?.text ?? '')
const seen = new Set<string>()
const fresh = async () => {
  const a = await pending(seen)
  seen.add(a.id)
  return a
}

describe('require_approval: the call is held until a person decides', () => {
  it('approved through the API by an approver: forwarded with the same request_hash, progress kept the client alive', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server, progressIntervalMs: 150 })
    const progress: number[] = []
    // A 600 ms client timeout survives a longer hold only because the relay's ticks reset it.
    const call = l.client.callTool({ name: 'write_note', arguments: { title: 't', body: 'b' } }, undefined, {
      timeout: 600,
      resetTimeoutOnProgress: true,
      onprogress: (p) => progress.push(p.progress),
    })
    const held = await fresh()
    expect(held.status).toBe('pending_approval')
    await new Promise((r) => setTimeout(r, 1200))
    expect(notes.runs).toEqual([])
    const approved = await g.approver.approveAction(held.id)
    expect(approved.status).toBe('approved')
    const r = await call
    expect(r.isError).toBeFalsy()
    expect(text(r)).toBe('wrote t')
    expect(notes.runs).toEqual([['write_note', { title: 't', body: 'b' }]])
    expect(progress.length).toBeGreaterThanOrEqual(3)
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1]!)
    const done = await until(async () => {
      const a = await g.admin.getAction(held.id)
      return a.status === 'succeeded' ? a : undefined
    })
    // The server ran exactly what was approved.
    expect(computeRequestHash({ agent_id: done.agent_id, tool: done.tool, operation: done.operation, params: notes.runs[0]![1] as Record<string, unknown>, context: done.context })).toBe(done.request_hash)
  })

  it('denied by a person while held: isError with the reason, never forwarded', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server })
    const call = l.client.callTool({ name: 'write_note', arguments: { title: 'x', body: 'y' } })
    const held = await fresh()
    await g.approver.denyAction(held.id, undefined, 'not today')
    const r = await call
    expect(r.isError).toBe(true)
    expect(text(r)).toContain('Faramesh denied this call')
    expect(text(r)).toContain(held.id)
    expect(text(r)).toContain('not today')
    expect(text(r)).toContain('approver-ann')
    expect(notes.runs).toEqual([])
  })
})

describe('progress across the hold', () => {
  it("ticks while held, then the server's own progress shifted past them: one strictly increasing line", async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server, progressIntervalMs: 100 })
    const seen: Array<{ progress: number; total?: number; message?: string }> = []
    const call = l.client.callTool({ name: 'slow', arguments: { steps: 4 } }, undefined, { onprogress: (p) => seen.push(p) })
    const held = await fresh()
    await until(() => (seen.length >= 2 ? true : undefined))
    await g.approver.approveAction(held.id)
    expect(text(await call)).toBe('counted 4')
    const ticks = seen.filter((p) => p.message?.includes(held.id))
    const relayed = seen.filter((p) => !p.message)
    expect(ticks.length).toBeGreaterThanOrEqual(2)
    expect(relayed).toHaveLength(4)
    const n = ticks.length
    expect(relayed.map((p) => p.progress)).toEqual([0, 1, 2, 3].map((p) => p + n + 1))
    expect(relayed[0]!.total).toBe(4 + n + 1)
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress)
  })
})

export type { Action }
