// The SDK's Client ↔ our relay ↔ the SDK's McpServer, over two InMemoryTransport pairs. The test server's tools
// record every run, so a test can prove a call never reached it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import { createRelay } from '../src/relay/relay.js'
import type { GatePort, Relay, RelayIdentity, ServerSettings } from '../src/types.js'

export const NOTES_POLICY = `
rules:
  - match: { tool: "mcp:notes", op: "delete_all" }
    deny: true
    description: "Never delete every note"
  - match: { tool: "mcp:notes", op: "write_note" }
    require_approval: true
    description: "Writing needs a person"
  - match: { tool: "mcp:notes", op: "slow" }
    require_approval: true
    description: "Counting needs a person"
  - match: { tool: "mcp:vault", op: "resources/read" }
    deny: true
    description: "The vault is closed"
  - match: { tool: "mcp:hints", mcp_hint: destructive }
    deny: true
    description: "No destructive tools here"
  - match: { tool: "mcp:hints", op: "delete_all" }
    require_approval: true
  - match: { tool: "mcp:hints", op: "*" }
    allow: true
  - match: { tool: "mcp:vault", op: "*" }
    allow: true
  - match: { tool: "mcp:notes", op: "*" }
    allow: true
    description: "Reading notes is fine"
`

export interface NotesServer {
  server: McpServer
  /** Every tool run, in order: [tool, arguments]. */
  runs: Array<[string, unknown]>
}

export function notesServer(): NotesServer {
  const runs: Array<[string, unknown]> = []
  const server = new McpServer({ name: 'notes', version: '1.0.0' })
  server.registerTool('echo', { description: 'Echo', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } }, async (args) => {
    runs.push(['echo', args])
    return { content: [{ type: 'text', text: `echo: ${args.text}` }] }
  })
  server.registerTool('write_note', { description: 'Write a note', inputSchema: { title: z.string(), body: z.string() }, annotations: { destructiveHint: true } }, async (args) => {
    runs.push(['write_note', args])
    return { content: [{ type: 'text', text: `wrote ${args.title}` }] }
  })
  server.registerTool('delete_all', { description: 'Delete every note', annotations: { destructiveHint: true } }, async () => {
    runs.push(['delete_all', {}])
    return { content: [{ type: 'text', text: 'deleted' }] }
  })
  server.registerTool('hang', { description: 'Never answers until cancelled' }, async (extra) => {
    runs.push(['hang', {}])
    await new Promise((r) => extra.signal.addEventListener('abort', r))
    return { content: [{ type: 'text', text: 'cancelled' }] }
  })
  server.registerResource('note', 'note://1', { description: 'One note' }, async (uri) => {
    runs.push(['resources/read', { uri: uri.href }])
    return { contents: [{ uri: uri.href, text: 'the note' }] }
  })
  server.registerTool('slow', { description: 'Counts with progress', inputSchema: { steps: z.number() } }, async (args, extra) => {
    runs.push(['slow', args])
    const token = extra._meta?.progressToken
    for (let i = 0; i < args.steps; i++) {
      if (token !== undefined) await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: args.steps } })
      await new Promise((r) => setTimeout(r, 20))
    }
    return { content: [{ type: 'text', text: `counted ${args.steps}` }] }
  })
  return { server, runs }
}

export const settings = (o: Partial<ServerSettings> = {}): ServerSettings => ({
  name: 'notes',
  hideDeniedTools: false,
  clientRoots: true,
  governResources: false,
  ...o,
})

export interface Linked {
  client: Client
  relay: Relay
  /** The client's own transport, to send raw messages. */
  clientSide: InMemoryTransport
  serverSide: InMemoryTransport
  logs: string[]
  /** Every message that crossed the client's side of the relay, both directions, as sent. */
  wire: unknown[]
  /** What the relay sent the client, with the send options (relatedRequestId for HTTP routing). */
  sentDown: Array<{ message: Record<string, unknown>; relatedRequestId: unknown }>
  /** The relay's upstream transport (a test may make its send fail). */
  upstream: InMemoryTransport
  close(): Promise<void>
}

export interface LinkOptions {
  gate: GatePort
  server: McpServer
  settings?: ServerSettings
  identity?: RelayIdentity
  capabilities?: ClientCapabilities
  clientName?: string
  publicUrl?: string
  progressIntervalMs?: number
  maxGovernedCalls?: number
  /** Leave the client unconnected (tests that speak raw JSON-RPC). */
  noClient?: boolean
}

export async function link(o: LinkOptions): Promise<Linked> {
  const [clientSide, down] = InMemoryTransport.createLinkedPair()
  const [up, serverSide] = InMemoryTransport.createLinkedPair()
  await o.server.connect(serverSide)
  const logs: string[] = []
  const wire: unknown[] = []
  const sentDown: Linked['sentDown'] = []
  const sendDown = down.send.bind(down)
  down.send = (m, opts) => (wire.push(m), sentDown.push({ message: m as Record<string, unknown>, relatedRequestId: opts?.relatedRequestId }), sendDown(m, opts))
  const sendUp = clientSide.send.bind(clientSide)
  clientSide.send = (m, opts) => (wire.push(m), sendUp(m, opts))
  const relay = createRelay({
    downstream: down,
    upstream: up,
    server: o.settings ?? settings(),
    gate: o.gate,
    identity: o.identity ?? { source: 'client_info' },
    ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
    progressIntervalMs: o.progressIntervalMs ?? 200,
    ...(o.maxGovernedCalls !== undefined ? { maxGovernedCalls: o.maxGovernedCalls } : {}),
    log: (l) => logs.push(l),
  })
  await relay.start()
  const client = new Client({ name: o.clientName ?? 'a1', version: '1.0.0' }, { capabilities: o.capabilities ?? {} })
  if (!o.noClient) await client.connect(clientSide)
  return {
    client,
    relay,
    clientSide,
    serverSide,
    logs,
    wire,
    sentDown,
    upstream: up,
    async close() {
      await client.close().catch(() => undefined)
      await relay.close().catch(() => undefined)
      await o.server.close().catch(() => undefined)
    },
  }
}

/** Poll `check` until it returns a value (not undefined), within `ms`. */
export async function until<T>(check: () => Promise<T | undefined> | T | undefined, ms = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}
