// `faramesh mcp wrap --no-client-roots`: the real server-filesystem on a temp dir, and an SDK Client that declares the
// roots capability and answers roots/list with file:/// (the whole disk). server-filesystem replaces its allowed
// directories with the client's roots when the client has that capability; with --no-client-roots the server never
// sees it, so list_allowed_directories still names only the temp dir. Without the flag the same client widens it
// (the control, so the test can fail).
import { realpathSync } from 'node:fs'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { ListRootsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { clientEnv, eventually, filesystemBin, removeDir, requireBuiltCli, startTestGateway, tempDir, TOKENS, wrapArgv, type TestGateway } from './wrap-harness.js'

requireBuiltCli()

let gw: TestGateway
let dir: string
const clients: Client[] = []
beforeAll(async () => {
  gw = await startTestGateway()
  dir = realpathSync(tempDir('faramesh-mcp-roots-'))
})
afterAll(async () => {
  await gw?.close()
  removeDir(dir)
})
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => {})))
})

/** A client with roots: its roots/list answer is the whole disk; counts how often the server asked. */
async function connect(flags: string[]): Promise<{ client: Client; asked: () => number }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: wrapArgv(['--name', 'files', '--gateway', gw.url, ...flags], [process.execPath, filesystemBin(), dir]),
    env: clientEnv({ FARAMESH_TOKEN: TOKENS.a1 }),
    stderr: 'pipe',
  })
  const client = new Client({ name: 'roots-client', version: '1.0.0' }, { capabilities: { roots: { listChanged: true } } })
  let asked = 0
  client.setRequestHandler(ListRootsRequestSchema, () => {
    asked++
    return { roots: [{ uri: 'file:///', name: 'the whole disk' }] }
  })
  clients.push(client)
  await client.connect(transport)
  return { client, asked: () => asked }
}

async function allowed(client: Client): Promise<string[]> {
  const r = (await client.callTool({ name: 'list_allowed_directories', arguments: {} })) as CallToolResult
  expect(r.isError).not.toBe(true)
  const text = r.content.map((c) => (c.type === 'text' ? c.text : '')).join('')
  return text.split('\n').slice(1).map((l) => l.trim()).filter(Boolean)
}

describe('faramesh mcp wrap --no-client-roots → server-filesystem', () => {
  it('without the flag (the control): a client answering roots/list with file:/// widens the allowed directories to /', async () => {
    const { client, asked } = await connect([])
    const dirs = await eventually(async () => {
      const d = await allowed(client)
      return d.includes('/') ? d : undefined
    }, 15_000, 'the client root to be taken')
    expect(dirs).toEqual(['/'])
    expect(asked()).toBeGreaterThan(0)
  }, 30_000)

  it('with --no-client-roots: the server never asks for roots, and still lists only the temp dir', async () => {
    const { client, asked } = await connect(['--no-client-roots'])
    expect(await allowed(client)).toEqual([dir])
    // The server asks for roots right after initialization when the client has the capability: give it the time
    // the control needed, and then some.
    await new Promise((r) => setTimeout(r, 2000))
    expect(await allowed(client)).toEqual([dir])
    expect(asked()).toBe(0)
    // The client announcing new roots changes nothing either (the notification is not passed on).
    await client.sendRootsListChanged()
    await new Promise((r) => setTimeout(r, 1000))
    expect(await allowed(client)).toEqual([dir])
    expect(asked()).toBe(0)
  }, 30_000)
})
