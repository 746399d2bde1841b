// A held call the client gave up on is withdrawn and never forwarded later; the upstream dying mid-call answers the
// client and records the action as failed; nothing on the MCP channel can approve.
import { FarameshConflictError } from '@faramesh/sdk'
import { ElicitRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sdkGate } from '../src/gate/sdk-gate.js'
import { startTestGateway, TOKENS, type TestGateway } from './gateway.js'
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

const seen = new Set<string>()
const heldAction = async () => {
  const a = await until(
    async () => (await g.admin.listActions({ tool: 'mcp:notes', status: 'pending_approval', limit: 100 })).find((x) => !seen.has(x.id)),
    5000,
    'a held action',
  )
  seen.add(a.id)
  return a
}
const statusOf = async (id: string) => (await g.admin.getAction(id)).status

describe('the client gives up on a held call', () => {
  it('cancel while held → withdrawn (timeout, reason withdrawn); a late approval gets 409; the server never ran it', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server })
    const ctl = new AbortController()
    const call = l.client.callTool({ name: 'write_note', arguments: { title: 'late', body: 'b' } }, undefined, { signal: ctl.signal })
    const held = await heldAction()
    ctl.abort('user pressed stop')
    await expect(call).rejects.toThrow()
    await until(async () => ((await statusOf(held.id)) === 'timeout' ? true : undefined), 5000, 'the withdrawal')
    const events = await g.admin.getEvents(held.id)
    expect(events.at(-1)).toMatchObject({ event_type: 'timeout', meta: { reason: 'withdrawn' } })
    await expect(g.approver.approveAction(held.id, undefined, 'too late')).rejects.toBeInstanceOf(FarameshConflictError)
    await new Promise((r) => setTimeout(r, 300))
    expect(notes.runs).toEqual([])
    // Nothing reached the server for that request, not even a cancel (it never saw the call).
    expect(l.logs.join('\n')).not.toMatch(/could not pass a cancel/)
  })

  it('abandon() (a dropped HTTP stream) withdraws a held call the same way', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server, noClient: true, identity: { agentId: 'a1', source: 'token' } })
    const answers: unknown[] = []
    l.clientSide.onmessage = (m) => void answers.push(m)
    await l.clientSide.start()
    await l.clientSide.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'a2', version: '1' } } })
    await until(() => (answers.length ? true : undefined))
    await l.clientSide.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await l.clientSide.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'write_note', arguments: { title: 'x', body: 'y' } } })
    const held = await heldAction()
    // The token's agent, whatever name the client gives itself.
    expect(held.agent_id).toBe('a1')
    expect(held.context).toMatchObject({ mcp: { agent_source: 'token', protocol_version: '2025-06-18' } })
    l.relay.abandon([1], 'the POST stream closed')
    await until(async () => ((await statusOf(held.id)) === 'timeout' ? true : undefined), 5000, 'the withdrawal')
    await expect(g.approver.approveAction(held.id)).rejects.toBeInstanceOf(FarameshConflictError)
    expect(notes.runs).toEqual([])
    expect(answers).toHaveLength(1) // initialize only: a request the client gave up on gets no answer
  })

  it('a cancel that arrives during the submit: withdrawn, no answer and not one hold tick', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server, noClient: true, identity: { agentId: 'a1', source: 'token' } })
    const got: Array<Record<string, unknown>> = []
    l.clientSide.onmessage = (m) => void got.push(m as Record<string, unknown>)
    await l.clientSide.start()
    await l.clientSide.send({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'a1', version: '1' } } })
    await until(() => (got.length ? true : undefined))
    await l.clientSide.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'write_note', arguments: { title: 'quick', body: 'b' }, _meta: { progressToken: 'tok1' } } })
    await l.clientSide.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1, reason: 'changed my mind' } })
    const a = await until(async () => (await g.admin.listActions({ tool: 'mcp:notes', limit: 100 })).find((x) => (x.params as { title?: string }).title === 'quick' && x.status === 'timeout'))
    expect((await g.admin.getEvents(a.id)).at(-1)?.meta).toMatchObject({ reason: 'withdrawn' })
    await new Promise((r) => setTimeout(r, 300))
    expect(got.slice(1)).toEqual([])
    expect(notes.runs).toEqual([])
  })

  it('the client disconnects while a call is held → withdrawn; relay.ended says downstream_closed', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server })
    void l.client.callTool({ name: 'write_note', arguments: { title: 'gone', body: 'b' } }).catch(() => undefined)
    const held = await heldAction()
    await l.clientSide.close()
    await expect(l.relay.ended).resolves.toMatchObject({ reason: 'downstream_closed' })
    // ended resolves once withdrawals are flushed.
    expect(await statusOf(held.id)).toBe('timeout')
    await expect(g.approver.approveAction(held.id)).rejects.toBeInstanceOf(FarameshConflictError)
    expect(notes.runs).toEqual([])
  })
})

describe('the upstream dies mid-call', () => {
  it('answers the pending call with -32603 and records the action failed (outcome unknown)', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server })
    const call = l.client.callTool({ name: 'hang', arguments: {} })
    await until(() => (notes.runs.length ? true : undefined), 5000, 'the server to start the call')
    await l.serverSide.close()
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(McpError)
    expect((err as McpError).code).toBe(-32603)
    expect((err as McpError).message).toMatch(/upstream server 'notes'.*before answering/)
    await expect(l.relay.ended).resolves.toMatchObject({ reason: 'upstream_exited' })
    const [a] = (await g.admin.listActions({ tool: 'mcp:notes', limit: 100 })).filter((x) => x.operation === 'hang')
    expect(a?.status).toBe('failed')
    expect(a?.error).toMatch(/outcome unknown/)
  })
})

describe('relay.close() (the wrapper on SIGTERM, the gateway ending a session)', () => {
  it('withdraws a held call, answers it -32603, and resolves only once the withdrawal is recorded', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server })
    const call = l.client.callTool({ name: 'write_note', arguments: { title: 'closing', body: 'b' } }).then(
      () => undefined,
      (e: unknown) => e as McpError,
    )
    const held = await heldAction()
    await l.relay.close('shutting down')
    expect(await statusOf(held.id)).toBe('timeout')
    expect((await call)?.message).toMatch(/Faramesh relay closing: shutting down/)
    await expect(l.relay.ended).resolves.toEqual({ reason: 'closed', message: 'shutting down' })
    await expect(g.approver.approveAction(held.id)).rejects.toBeInstanceOf(FarameshConflictError)
    expect(notes.runs).toEqual([])
  })
})

describe('the upstream dies while a call is held', () => {
  it('the held call is withdrawn and the client gets -32603 at once', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server })
    const call = l.client.callTool({ name: 'write_note', arguments: { title: 'orphan', body: 'b' } }).then(
      () => undefined,
      (e: unknown) => e as McpError,
    )
    const held = await heldAction()
    await l.serverSide.close()
    expect((await call)?.code).toBe(-32603)
    await expect(l.relay.ended).resolves.toMatchObject({ reason: 'upstream_exited' })
    expect(await statusOf(held.id)).toBe('timeout')
    await expect(g.approver.approveAction(held.id)).rejects.toBeInstanceOf(FarameshConflictError)
  })
})

describe('nothing on the MCP channel can approve', () => {
  it('the client accepts the URL elicitation: informational only, the action stays pending; no message carries approval_token', async () => {
    const notes = notesServer()
    // An admin token: its submit answers carry the approval token, which must never reach the MCP channel.
    const { CoreClient } = await import('@faramesh/sdk')
    const admin = new CoreClient({ baseUrl: g.url, token: TOKENS.admin, maxRetries: 1 })
    l = await link({
      gate: sdkGate(admin, { pollIntervalMs: 100 }),
      server: notes.server,
      capabilities: { elicitation: { url: {} } },
      publicUrl: 'https://faramesh.example/',
    })
    const elicited: Array<Record<string, unknown>> = []
    l.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      elicited.push(req.params as Record<string, unknown>)
      return { action: 'accept' }
    })
    const ctl = new AbortController()
    const call = l.client.callTool({ name: 'write_note', arguments: { title: 'e', body: 'b' } }, undefined, { signal: ctl.signal }).catch(() => undefined)
    const held = await heldAction()
    await until(() => (elicited.length ? true : undefined), 5000, 'the elicitation')
    expect(elicited[0]).toMatchObject({ mode: 'url', elicitationId: held.id, url: `https://faramesh.example/?action=${held.id}` })
    expect(String(elicited[0]!.message)).toMatch(/does not approve/)
    await new Promise((r) => setTimeout(r, 500))
    const now = await g.admin.getAction(held.id)
    expect(now.status).toBe('pending_approval')
    expect(notes.runs).toEqual([])
    const token = now.approval_token
    expect(token).toBeTruthy()
    ctl.abort()
    await call
    expect(JSON.stringify(l.wire)).not.toContain(token)
    expect(JSON.stringify(l.wire)).not.toContain('approval_token')
  })
})

describe('held calls per session are bounded', () => {
  it('past maxGovernedCalls a call is refused (-32000) without being submitted; one finishing makes room again', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), server: notes.server, maxGovernedCalls: 2 })
    const before = (await g.admin.listActions({ tool: 'mcp:notes', limit: 1000 })).length
    const ctl = new AbortController()
    const first = l.client.callTool({ name: 'write_note', arguments: { title: 'one', body: 'b' } }, undefined, { signal: ctl.signal })
    first.catch(() => undefined)
    const second = l.client.callTool({ name: 'write_note', arguments: { title: 'two', body: 'b' } })
    second.catch(() => undefined)
    const a1 = await heldAction()
    const a2 = await heldAction()
    const third = await l.client.callTool({ name: 'echo', arguments: { text: 'x' } }).then(
      () => 'answered',
      (e: unknown) => e,
    )
    expect(third).toBeInstanceOf(McpError)
    expect((third as McpError).code).toBe(-32000)
    expect((third as McpError).message).toMatch(/2 calls of this session are already waiting or running; this one was not submitted/)
    expect((await g.admin.listActions({ tool: 'mcp:notes', limit: 1000 })).length).toBe(before + 2)
    expect(notes.runs).toEqual([])
    // The client gives up on one: its slot is free again, and an allowed call runs.
    ctl.abort()
    await until(async () => ((await statusOf(a1.id)) === 'timeout' ? true : undefined), 5000, 'the withdrawal')
    const r = (await l.client.callTool({ name: 'echo', arguments: { text: 'y' } })) as { content: Array<{ text: string }> }
    expect(r.content[0]!.text).toBe('echo: y')
    expect(await statusOf(a2.id)).toBe('pending_approval')
  })
})

