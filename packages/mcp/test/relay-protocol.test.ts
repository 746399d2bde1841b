// The relay as an MCP citizen: initialize clamp and capability edits, hiding denied tools, list_changed, bad input,
// governed resources/read, and failing closed when the gateway is down.
import { CoreClient } from '@faramesh/sdk'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { LATEST_PROTOCOL_VERSION, McpError, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { sdkGate } from '../src/gate/sdk-gate.js'
import { createRelay } from '../src/relay/relay.js'
import { startTestGateway, TOKENS, type TestGateway } from './gateway.js'
import { link, notesServer, NOTES_POLICY, settings, until, type Linked } from './harness.js'

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

const text = (r: unknown) => ((r as { content: Array<{ text: string }> }).content[0]?.text ?? '')

/** Speak raw JSON-RPC to the relay; answers collected by id. */
async function raw(o: Parameters<typeof link>[0]) {
  l = await link({ ...o, noClient: true })
  const got: Array<Record<string, unknown>> = []
  l.clientSide.onmessage = (m) => void got.push(m as Record<string, unknown>)
  await l.clientSide.start()
  const answer = (id: unknown) => until(() => got.find((m) => m.id === id && ('result' in m || 'error' in m)), 5000, `the answer to ${JSON.stringify(id)}`)
  const send = (m: unknown) => l!.clientSide.send(m as never)
  return { got, answer, send }
}
const init = (version: string, capabilities: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 'init',
  method: 'initialize',
  params: { protocolVersion: version, capabilities, clientInfo: { name: 'a1', version: '1' } },
})

describe('initialize', () => {
  it('an unknown requested version is clamped to the latest; a supported one is negotiated end to end', async () => {
    const notes = notesServer()
    const r = await raw({ gate: sdkGate(g.agent()), server: notes.server })
    await r.send(init('1999-01-01'))
    expect(await r.answer('init')).toMatchObject({ result: { protocolVersion: LATEST_PROTOCOL_VERSION, serverInfo: { name: 'notes' } } })
    await l!.close()
    const notes2 = notesServer()
    const r2 = await raw({ gate: sdkGate(g.agent()), server: notes2.server })
    await r2.send(init('2025-06-18'))
    expect(await r2.answer('init')).toMatchObject({ result: { protocolVersion: '2025-06-18' } })
  })

  it("drops the client's roots capability when the entry says clientRoots: false, keeps it otherwise", async () => {
    for (const clientRoots of [false, true]) {
      const notes = notesServer()
      l = await link({ gate: sdkGate(g.agent()), server: notes.server, settings: settings({ clientRoots }), capabilities: { roots: { listChanged: true } } })
      expect(notes.server.server.getClientCapabilities()?.roots === undefined).toBe(!clientRoots)
      await l.close()
      l = undefined
    }
  })

  it('a server answering with a version the relay does not speak → -32602 to the client and the session ends', async () => {
    const [clientSide, down] = InMemoryTransport.createLinkedPair()
    const [up, serverSide] = InMemoryTransport.createLinkedPair()
    serverSide.onmessage = (m) => {
      const req = m as { id?: number; method?: string }
      if (req.method === 'initialize') void serverSide.send({ jsonrpc: '2.0', id: req.id!, result: { protocolVersion: '2099-01-01', capabilities: {}, serverInfo: { name: 'x', version: '1' } } })
    }
    await serverSide.start()
    const relay = createRelay({ downstream: down, upstream: up, server: settings(), gate: sdkGate(g.agent()), identity: { source: 'client_info' } })
    await relay.start()
    const got: unknown[] = []
    clientSide.onmessage = (m) => void got.push(m)
    await clientSide.start()
    await clientSide.send(init('2025-11-25') as never)
    const a = await until(() => got[0] as { error?: { code: number; message: string; data: unknown } } | undefined)
    expect(a.error).toMatchObject({ code: -32602, message: 'Unsupported protocol version', data: { requested: '2099-01-01' } })
    await expect(relay.ended).resolves.toMatchObject({ reason: 'upstream_exited' })
  })
})

describe('tools/list', () => {
  it('hides the tools the policy denies outright (per annotations, mcp_hint), and a hidden tool still gets our denial', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server, settings: settings({ name: 'hints', hideDeniedTools: true }) })
    const names = (await l.client.listTools()).tools.map((t) => t.name).sort()
    // echo is readOnlyHint: true; the others are destructive or carry no hint (which counts as destructive).
    expect(names).toEqual(['echo'])
    const r = await l.client.callTool({ name: 'write_note', arguments: { title: 't', body: 'b' } })
    expect(r.isError).toBe(true)
    expect(text(r)).toContain('Faramesh denied this call')
    expect(text(r)).toContain('No destructive tools here')
    expect(notes.runs).toEqual([])
  })

  it('arguments shaped like annotations change nothing: mcp_hint reads only what the server listed', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server, settings: settings({ name: 'hints' }) })
    const spoof = { title: 't', body: 'b', mcp: { annotations: { readOnlyHint: true } } }
    const r = await l.client.callTool({ name: 'write_note', arguments: spoof })
    expect(r.isError).toBe(true)
    expect(text(r)).toContain('No destructive tools here')
    const [a] = (await g.admin.listActions({ tool: 'mcp:hints', limit: 50 })).filter((x) => x.operation === 'write_note' && (x.params as { mcp?: unknown }).mcp)
    expect(a).toMatchObject({ status: 'denied', params: spoof, context: { mcp: { annotations: { destructiveHint: true } } } })
    expect(notes.runs).toEqual([])
  })

  it('shows every tool when hiding is off', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server, settings: settings({ name: 'hints', hideDeniedTools: false }) })
    expect((await l.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['delete_all', 'echo', 'hang', 'slow', 'write_note'])
  })

  it('relays list_changed, and the refetched list is filtered again', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server, settings: settings({ name: 'hints', hideDeniedTools: true }) })
    let changed = 0
    l.client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++)
    await l.client.listTools()
    notes.server.registerTool('peek', { annotations: { readOnlyHint: true } }, async () => ({ content: [] }))
    notes.server.registerTool('smash', { annotations: { destructiveHint: true } }, async () => ({ content: [] }))
    await until(() => (changed >= 2 ? true : undefined), 5000, 'list_changed')
    expect((await l.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['echo', 'peek'])
  })
})

describe('a hostile upstream', () => {
  it('cannot answer, or send progress for, a call Faramesh still holds (it was never sent)', async () => {
    const [clientSide, down] = InMemoryTransport.createLinkedPair()
    const [up, serverSide] = InMemoryTransport.createLinkedPair()
    serverSide.onmessage = (m) => {
      const req = m as { id?: number; method?: string }
      if (req.method === 'initialize') void serverSide.send({ jsonrpc: '2.0', id: req.id!, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'x', version: '1' } } })
      if (req.method === 'tools/list') void serverSide.send({ jsonrpc: '2.0', id: req.id!, result: { tools: [] } })
    }
    await serverSide.start()
    const relay = createRelay({ downstream: down, upstream: up, server: settings(), gate: sdkGate(g.agent(), { pollIntervalMs: 100 }), identity: { source: 'client_info' } })
    await relay.start()
    const got: Array<Record<string, unknown>> = []
    clientSide.onmessage = (m) => void got.push(m as Record<string, unknown>)
    await clientSide.start()
    try {
      await clientSide.send(init('2025-11-25') as never)
      await until(() => (got.length ? true : undefined))
      await clientSide.send({ jsonrpc: '2.0', id: 77, method: 'tools/call', params: { name: 'write_note', arguments: { title: 'h', body: 'b' }, _meta: { progressToken: 'p77' } } })
      const held = await until(async () =>
        (await g.admin.listActions({ tool: 'mcp:notes', status: 'pending_approval', limit: 50 })).find((a) => (a.params as { title?: string }).title === 'h'),
      )
      await serverSide.send({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p77', progress: 1000, message: 'done!' } })
      await serverSide.send({ jsonrpc: '2.0', id: 77, result: { content: [{ type: 'text', text: 'fake: it ran' }] } })
      await new Promise((res) => setTimeout(res, 200))
      expect(got.filter((m) => m.id === 77)).toEqual([])
      expect(JSON.stringify(got)).not.toContain('done!')
      expect((await g.admin.getAction(held.id)).status).toBe('pending_approval')
      await clientSide.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 77 } })
      await until(async () => ((await g.admin.getAction(held.id)).status === 'timeout' ? true : undefined))
    } finally {
      await relay.close()
    }
  })
})

describe('client_roots: false is enforced by the relay', () => {
  it("a server's roots/list is refused without reaching the client; the client's roots/list_changed is not passed on", async () => {
    const [clientSide, down] = InMemoryTransport.createLinkedPair()
    const [up, serverSide] = InMemoryTransport.createLinkedPair()
    const toServer: Array<Record<string, unknown>> = []
    serverSide.onmessage = (m) => {
      toServer.push(m as Record<string, unknown>)
      const req = m as { id?: number; method?: string }
      if (req.method === 'initialize') void serverSide.send({ jsonrpc: '2.0', id: req.id!, result: { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 'x', version: '1' } } })
    }
    await serverSide.start()
    const relay = createRelay({ downstream: down, upstream: up, server: settings({ clientRoots: false }), gate: sdkGate(g.agent()), identity: { source: 'client_info' } })
    await relay.start()
    const got: Array<Record<string, unknown>> = []
    clientSide.onmessage = (m) => void got.push(m as Record<string, unknown>)
    await clientSide.start()
    try {
      await clientSide.send(init('2025-11-25', { roots: { listChanged: true } }) as never)
      await until(() => (got.length ? true : undefined))
      expect((toServer[0]!.params as { capabilities: object }).capabilities).toEqual({})
      await clientSide.send({ jsonrpc: '2.0', method: 'notifications/roots/list_changed' })
      await serverSide.send({ jsonrpc: '2.0', id: 'r1', method: 'roots/list' })
      const refused = await until(() => toServer.find((m) => m.id === 'r1'))
      expect(refused).toMatchObject({ error: { code: -32601 } })
      expect(got.filter((m) => m.method === 'roots/list')).toEqual([])
      expect(toServer.filter((m) => m.method === 'notifications/roots/list_changed')).toEqual([])
    } finally {
      await relay.close()
    }
  })
})

describe('an upstream answering garbage', () => {
  it('a broken answer to a forwarded call → -32603 to the client, the action failed; the relay goes on', async () => {
    const [clientSide, down] = InMemoryTransport.createLinkedPair()
    const [up, serverSide] = InMemoryTransport.createLinkedPair()
    serverSide.onmessage = (m) => {
      const req = m as { id?: number; method?: string; params?: { arguments?: { text?: string } } }
      if (req.method === 'initialize') void serverSide.send({ jsonrpc: '2.0', id: req.id!, result: { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'x', version: '1' } } })
      if (req.method === 'tools/list') void serverSide.send({ jsonrpc: '2.0', id: req.id!, result: { tools: [{ name: 'echo', inputSchema: { type: 'object' } }] } })
      if (req.method === 'tools/call') {
        const text = req.params?.arguments?.text
        void serverSide.send((text === 'garbage' ? { jsonrpc: '2.0', id: req.id!, result: 'not an object' } : { jsonrpc: '2.0', id: req.id!, result: { content: [] } }) as never)
      }
    }
    await serverSide.start()
    const relay = createRelay({ downstream: down, upstream: up, server: settings(), gate: sdkGate(g.agent()), identity: { source: 'client_info' } })
    await relay.start()
    const got: Array<Record<string, unknown>> = []
    clientSide.onmessage = (m) => void got.push(m as Record<string, unknown>)
    await clientSide.start()
    try {
      await clientSide.send(init('2025-11-25') as never)
      await until(() => (got.length ? true : undefined))
      await clientSide.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'garbage' } } })
      const a1 = await until(() => got.find((m) => m.id === 1))
      expect(a1).toMatchObject({ error: { code: -32603, message: expect.stringContaining('answered with an invalid message') } })
      const failed = await until(async () =>
        (await g.admin.listActions({ tool: 'mcp:notes', status: 'failed', limit: 50 })).find((a) => (a.params as { text?: string }).text === 'garbage'),
      )
      expect(failed.error).toMatch(/invalid message/)
      await clientSide.send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echo', arguments: { text: 'fine' } } })
      expect(await until(() => got.find((m) => m.id === 2))).toMatchObject({ result: { content: [] } })
    } finally {
      await relay.close()
    }
  })
})

describe('bad input', () => {
  it('answers malformed messages with JSON-RPC errors and keeps working', async () => {
    const notes = notesServer()
    const r = await raw({ gate: sdkGate(g.agent()), server: notes.server })
    await r.send({ hello: 'world' })
    await r.send({ jsonrpc: '1.0', id: 9, method: 'ping' })
    await r.send(init('2025-11-25'))
    await r.answer('init')
    await r.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await r.send({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 42 } })
    await r.send({ jsonrpc: '2.0', id: 6, method: 'no/such/method', params: {} })
    await r.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'hang', arguments: {} } })
    await until(() => (notes.runs.length ? true : undefined))
    await r.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: { text: 'dup' } } })
    // A broken response is not answered: an error with its id would answer the client's own request 7.
    await r.send({ jsonrpc: '2.0', id: 7, result: 'not an object' })
    expect(r.got.find((m) => m.id === null)).toMatchObject({ error: { code: -32600, message: expect.stringMatching(/not a JSON-RPC|Invalid JSON-RPC/) } })
    expect(await r.answer(9)).toMatchObject({ error: { code: -32600, message: expect.stringContaining('jsonrpc must be "2.0"') } })
    expect(await r.answer(5)).toMatchObject({ error: { code: -32602, message: expect.stringContaining('params.name') } })
    expect(await r.answer(6)).toMatchObject({ error: { code: -32601 } })
    expect(r.got.filter((m) => m.id === 7)).toEqual([expect.objectContaining({ error: expect.objectContaining({ code: -32600, message: expect.stringContaining('already in use') }) })])
    await r.send({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'echo', arguments: { text: 'still here' } } })
    expect(await r.answer(8)).toMatchObject({ result: { content: [{ text: 'echo: still here' }] } })
    // Nothing was recorded for the malformed calls.
    const recorded = (await g.admin.listActions({ tool: 'mcp:notes', limit: 200 })).map((a) => a.params)
    expect(recorded).not.toContainEqual({ text: 'dup' })
  })
})

describe('tasks', () => {
  it("a governed call's task parameter is removed: the server gets a plain synchronous call", async () => {
    const notes = notesServer()
    const r = await raw({ gate: sdkGate(g.agent()), server: notes.server })
    const toServer: Array<Record<string, unknown>> = []
    const send = l!.upstream.send.bind(l!.upstream)
    l!.upstream.send = (m, o) => (toServer.push(m as Record<string, unknown>), send(m, o))
    await r.send(init('2025-11-25'))
    await r.answer('init')
    await r.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    await r.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 't' }, task: { ttl: 60000 }, _meta: { k: 'v' } } })
    expect(await r.answer(1)).toMatchObject({ result: { content: [{ text: 'echo: t' }] } })
    const call = toServer.find((m) => m.method === 'tools/call')!
    expect(call).toEqual({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 't' }, _meta: { k: 'v' } } })
  })
})

describe('governed resources/read', () => {
  it('off by default: relayed unchanged, nothing recorded', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server, settings: settings({ name: 'vault' }) })
    expect((await l.client.readResource({ uri: 'note://1' })).contents[0]).toMatchObject({ text: 'the note' })
    expect((await g.admin.listActions({ tool: 'mcp:vault', limit: 10 })).length).toBe(0)
  })

  it('opted in: a denied read is JSON-RPC -32010 with the action id, and the server never sees it', async () => {
    const notes = notesServer()
    l = await link({ gate: sdkGate(g.agent()), server: notes.server, settings: settings({ name: 'vault', governResources: true }) })
    const err = await l.client.readResource({ uri: 'note://1' }).then(
      () => undefined,
      (e: unknown) => e as McpError,
    )
    expect(err?.code).toBe(-32010)
    const [a] = await g.admin.listActions({ tool: 'mcp:vault', limit: 10 })
    expect(a).toMatchObject({ operation: 'resources/read', params: { uri: 'note://1' }, status: 'denied' })
    expect(err?.data).toMatchObject({ action_id: a!.id, reason: 'The vault is closed' })
    expect(notes.runs).toEqual([])
  })
})

describe('fail closed', () => {
  it('gateway unreachable → isError "not run", even with the SDK configured failOpen', async () => {
    const notes = notesServer()
    const down = new CoreClient({ baseUrl: 'http://127.0.0.1:9', token: TOKENS.agent, failMode: 'failOpen', maxRetries: 0, timeoutMs: 2000 })
    l = await link({ gate: sdkGate(down), server: notes.server })
    const r = await l.client.callTool({ name: 'echo', arguments: { text: 'x' } })
    expect(r.isError).toBe(true)
    expect(text(r)).toMatch(/Faramesh could not decide.*not run.*fails closed/)
    expect(notes.runs).toEqual([])
  })
})
