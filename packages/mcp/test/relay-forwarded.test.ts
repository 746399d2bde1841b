// After forwarding: a cancel reaches the server and the action says the outcome is unknown; a send the upstream
// refuses is answered -32603 and recorded as not executed; every message is tied to its request for HTTP routing.
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sdkGate } from '../src/gate/sdk-gate.js'
import { UpstreamError } from '../src/transports/upstream-error.js'
import { startTestGateway, type TestGateway } from './gateway.js'
import { link, notesServer, NOTES_POLICY, until, type Linked } from './harness.js'
import { z } from 'zod'

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
const actions = async (op: string) => (await g.admin.listActions({ tool: 'mcp:notes', limit: 100 })).filter((x) => x.operation === op)

describe('after forwarding', () => {
  it('a cancel is passed to the server (its handler is aborted) and the action is failed "outcome unknown"', async () => {
    const notes = notesServer()
    let aborted = false
    notes.server.registerTool('wait', { description: 'waits' }, async (extra) => {
      notes.runs.push(['wait', {}])
      await new Promise((r) => extra.signal.addEventListener('abort', r))
      aborted = true
      return { content: [] }
    })
    l = await link({ gate: sdkGate(g.agent()), server: notes.server })
    const ctl = new AbortController()
    const call = l.client.callTool({ name: 'wait', arguments: {} }, undefined, { signal: ctl.signal })
    await until(() => (notes.runs.length ? true : undefined))
    ctl.abort('enough')
    await expect(call).rejects.toThrow()
    await until(() => (aborted ? true : undefined), 3000, 'the server to see the cancel')
    const a = await until(async () => (await actions('wait')).find((x) => x.status === 'failed'), 5000, 'the failed report')
    expect(a.error).toMatch(/cancelled by the MCP client after forwarding; outcome unknown/)
  })

  it('an upstream that refuses the send (its process is gone) → -32603, the action recorded as not executed, the relay goes on', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server })
    const send = l.upstream.send.bind(l.upstream)
    l.upstream.send = async (m, o) => {
      if ((m as { method?: string; params?: { arguments?: { text?: string } } }).params?.arguments?.text === 'refused') throw new UpstreamError('upstream_exited', 'HTTP 502 from upstream')
      return send(m, o)
    }
    const err = await l.client.callTool({ name: 'echo', arguments: { text: 'refused' } }).then(
      () => undefined,
      (e: unknown) => e as { code?: number; message?: string },
    )
    expect(err?.code).toBe(-32603)
    expect(err?.message).toMatch(/upstream server 'notes' did not take the call: HTTP 502/)
    const a = await until(async () => (await actions('echo')).find((x) => x.status === 'failed'))
    expect(a.error).toMatch(/^not executed/)
    expect(notes.runs).toEqual([])
    expect((await l.client.callTool({ name: 'echo', arguments: { text: 'fine' } })).isError).toBeFalsy()
  })
})

describe('relatedRequestId (Streamable HTTP routing)', () => {
  it("answers, progress and the server's own requests during a call are tied to that call", async () => {
    const notes = notesServer()
    notes.server.registerTool('ask', { description: 'asks the user', inputSchema: { q: z.string() } }, async (args) => {
      const r = await notes.server.server.elicitInput({ mode: 'form', message: args.q, requestedSchema: { type: 'object', properties: {} } })
      return { content: [{ type: 'text', text: r.action }] }
    })
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server, capabilities: { elicitation: { form: {} } } })
    l.client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'decline' }))
    const r = await l.client.callTool({ name: 'ask', arguments: { q: 'ok?' } })
    expect(r.content).toEqual([{ type: 'text', text: 'decline' }])
    const callId = l.sentDown.find((s) => (s.message.result as { content?: unknown } | undefined)?.content !== undefined)!.message.id
    const elicit = l.sentDown.find((s) => s.message.method === 'elicitation/create')!
    expect(elicit.relatedRequestId).toBe(callId)
    const answer = l.sentDown.find((s) => s.message.id === callId && 'result' in s.message)!
    expect(answer.relatedRequestId).toBe(callId)
    const progress: number[] = []
    const slow = l.client.callTool({ name: 'slow', arguments: { steps: 2 } }, undefined, { onprogress: (p) => progress.push(p.progress) })
    const held = await until(async () => (await actions('slow')).find((x) => x.status === 'pending_approval'))
    await until(() => (progress.length ? true : undefined))
    await g.approver.approveAction(held.id)
    await slow
    const slowId = l.sentDown.filter((s) => s.message.method === 'notifications/progress').map((s) => s.relatedRequestId)
    expect(new Set(slowId).size).toBe(1)
    expect(slowId[0]).not.toBe(callId)
  })
})
