// server-everything through `faramesh mcp wrap`: the protocol as the two ends negotiate it (2025-06-18 and
// 2025-11-25), progress of a long operation, sampling and elicitation round trips (server → client requests),
// tools/list_changed relayed, and resources and prompts exactly as the server answers them directly.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { clientEnv, everythingBin, INITIALIZE, killRawWrappers, rawWrap, requireBuiltCli, startTestGateway, TOKENS, wrapArgv, type TestGateway } from './wrap-harness.js'

requireBuiltCli()

let gw: TestGateway
const clients: Client[] = []
beforeAll(async () => {
  gw = await startTestGateway()
})
afterAll(async () => {
  await gw?.close()
})
afterEach(async () => {
  killRawWrappers()
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})))
})

type Caps = ConstructorParameters<typeof Client>[1]

async function wrapped(options: Caps = {}): Promise<Client> {
  const client = new Client({ name: 'e2e-everything', version: '1.0.0' }, options)
  clients.push(client)
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: wrapArgv(['--name', 'everything', '--gateway', gw.url], [process.execPath, everythingBin()]),
      env: clientEnv({ FARAMESH_TOKEN: TOKENS.a1 }),
      stderr: 'pipe',
    }),
  )
  return client
}

async function direct(): Promise<Client> {
  const client = new Client({ name: 'e2e-everything-direct', version: '1.0.0' })
  clients.push(client)
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [everythingBin()], env: clientEnv(), stderr: 'pipe' }))
  return client
}

const text = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('')

describe('protocol versions, negotiated end to end', () => {
  it.each(['2025-06-18', '2025-11-25'])('a client asking for %s gets %s from the server through the wrapper', async (version) => {
    const w = rawWrap(['--name', 'everything', '--gateway', gw.url], [process.execPath, everythingBin()], { FARAMESH_TOKEN: TOKENS.a1 })
    w.send(INITIALIZE(version))
    const init = await w.waitFor((m) => m.id === 0)
    expect(init).toMatchObject({ result: { protocolVersion: version, serverInfo: { name: expect.stringMatching(/everything/i) } } })
    w.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    w.send({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { message: `hi ${version}` } } })
    expect(await w.waitFor((m) => m.id === 1)).toMatchObject({ result: { content: [{ type: 'text', text: `Echo: hi ${version}` }] } })
  })

  it('the SDK Client negotiates the latest version through the wrapper', async () => {
    const client = await wrapped()
    expect(client.getServerVersion()?.name).toMatch(/everything/i)
    const r = (await client.callTool({ name: 'echo', arguments: { message: 'x' } })) as CallToolResult
    expect(text(r)).toBe('Echo: x')
  })
})

describe('through the wrapper, as if direct', () => {
  it('progress of a long-running operation reaches the client', async () => {
    const client = await wrapped()
    const progress: Progress[] = []
    const r = (await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 1, steps: 3 } }, undefined, {
      onprogress: (p) => progress.push(p),
      timeout: 20_000,
    })) as CallToolResult
    expect(r.isError).toBeFalsy()
    // The server sends its last progress right before its answer. When both reach the SDK Client in one read (a
    // loaded machine, direct or not), the Client handles the answer first (notification handlers run a microtask
    // later, shared/protocol.js _onnotification) and drops that progress for a finished request: 2 of 3 is the bar.
    expect(progress.length).toBeGreaterThanOrEqual(2)
    const values = progress.map((p) => p.progress)
    expect([...values].sort((a, b) => a - b)).toEqual(values)
  })

  it('sampling: the server asks the client, the client answers, the tool returns it; tools/list_changed is relayed', async () => {
    let listChanged = 0
    const client = new Client({ name: 'e2e-sampling', version: '1.0.0' }, { capabilities: { sampling: {}, elicitation: { form: {} } } })
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void (listChanged += 1))
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      model: 'test-model',
      role: 'assistant' as const,
      content: { type: 'text' as const, text: 'sampled by the test client' },
    }))
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept' as const, content: { name: 'Ada Lovelace' } }))
    clients.push(client)
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: wrapArgv(['--name', 'everything', '--gateway', gw.url], [process.execPath, everythingBin()]),
        env: clientEnv({ FARAMESH_TOKEN: TOKENS.a1 }),
        stderr: 'pipe',
      }),
    )
    // everything registers its sampling and elicitation tools after `initialized`, and says so with list_changed.
    const deadline = Date.now() + 10_000
    let names: string[] = []
    while (Date.now() < deadline) {
      names = (await client.listTools()).tools.map((t) => t.name)
      if (names.includes('trigger-sampling-request') && listChanged > 0) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(listChanged).toBeGreaterThan(0)
    expect(names).toContain('trigger-sampling-request')
    const sampled = (await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hello' } }, undefined, { timeout: 20_000 })) as CallToolResult
    expect(text(sampled)).toContain('sampled by the test client')
    const elicited = (await client.callTool({ name: 'trigger-elicitation-request', arguments: {} }, undefined, { timeout: 20_000 })) as CallToolResult
    expect(text(elicited)).toContain('Ada Lovelace')
  })

  it("the server's environment has the client's variables but none of Faramesh's (get-env)", async () => {
    const client = new Client({ name: 'e2e-env', version: '1.0.0' })
    clients.push(client)
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: wrapArgv(['--name', 'everything', '--gateway', gw.url], [process.execPath, everythingBin()]),
        env: clientEnv({ FARAMESH_TOKEN: TOKENS.a1, FARA_AUTH_TOKEN: TOKENS.admin, FARAMESH_AGENT_ID: 'a1', SERVER_API_KEY: 'for-the-server' }),
        stderr: 'pipe',
      }),
    )
    const env = JSON.parse(text((await client.callTool({ name: 'get-env', arguments: {} })) as CallToolResult)) as Record<string, string>
    expect(Object.keys(env).filter((k) => /^FARA/i.test(k))).toEqual([])
    expect(JSON.stringify(env)).not.toContain(TOKENS.a1)
    expect(JSON.stringify(env)).not.toContain(TOKENS.admin)
    expect(env.SERVER_API_KEY).toBe('for-the-server')
  })

  it('resources and prompts come through unchanged', async () => {
    const [through, straight] = await Promise.all([wrapped(), direct()])
    expect(await through.listResources()).toEqual(await straight.listResources())
    expect(await through.listResourceTemplates()).toEqual(await straight.listResourceTemplates())
    const uri = 'demo://resource/dynamic/text/1'
    // the dynamic resource says when it was made: compare it without the time
    const untimed = (r: unknown): string => JSON.stringify(r).replace(/created at [^"]+/g, 'created at <time>')
    expect(untimed(await through.readResource({ uri }))).toBe(untimed(await straight.readResource({ uri })))
    expect(await through.listPrompts()).toEqual(await straight.listPrompts())
    expect(await through.getPrompt({ name: 'simple-prompt' })).toEqual(await straight.getPrompt({ name: 'simple-prompt' }))
    expect(await through.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris' } })).toEqual(await straight.getPrompt({ name: 'args-prompt', arguments: { city: 'Paris' } }))
  })
})
