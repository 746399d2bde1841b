// A scripted MCP client (the SDK's Client, as a desktop app or an agent framework would use it) talking to the real
// filesystem MCP server through `faramesh mcp wrap`: one read the policy allows, one write it denies, one write that
// waits until a person approves it. Run it against a gateway with policy.yaml (see README.md).
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'

const require = createRequire(import.meta.url)

/** The `faramesh` binary of this workspace (an installed one is just `faramesh`), and the filesystem server's bin. */
function bins(): { faramesh: string; filesystem: string } {
  const cli = join(dirname(require.resolve('@faramesh/cli')), '..', 'bin', 'run.js')
  const fsManifest = require.resolve('@modelcontextprotocol/server-filesystem/package.json')
  const fsBin = (JSON.parse(readFileSync(fsManifest, 'utf8')) as { bin: Record<string, string> }).bin['mcp-server-filesystem']!
  return { faramesh: cli, filesystem: join(dirname(fsManifest), fsBin) }
}

const text = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('')

/** Only for the demo: play the person who approves, through the HTTP API with an approver token. */
async function approveWhenHeld(baseUrl: string, approverToken: string, actionId: string): Promise<void> {
  const res = await fetch(`${baseUrl}/v1/actions/${actionId}/approval`, {
    method: 'POST',
    headers: { authorization: `Bearer ${approverToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ approve: true, reason: 'approved by the example' }),
  })
  if (!res.ok) throw new Error(`approval failed: ${res.status} ${await res.text()}`)
  console.log(`approver: approved action ${actionId} through the API`)
}

async function main(): Promise<void> {
  const baseUrl = (process.env.FARAMESH_BASE_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, '')
  const approverToken = process.env.APPROVER_TOKEN
  const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'faramesh-mcp-example-'))
  writeFileSync(join(dir, 'notes.txt'), 'Standup at 10:00. Ship the MCP wrapper.\n')
  console.log(`files: ${dir}`)

  const { faramesh, filesystem } = bins()
  // What a desktop client's mcpServers entry does: run `faramesh mcp wrap --name files -- <server>` over stdio.
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [faramesh, 'mcp', 'wrap', '--name', 'files', '--', process.execPath, filesystem, dir],
    env: {
      ...getDefaultEnvironment(),
      FARAMESH_BASE_URL: baseUrl,
      ...(process.env.FARAMESH_TOKEN ? { FARAMESH_TOKEN: process.env.FARAMESH_TOKEN } : {}),
      ...(process.env.FARAMESH_AGENT_ID ? { FARAMESH_AGENT_ID: process.env.FARAMESH_AGENT_ID } : {}),
    },
    stderr: 'inherit',
  })
  const client = new Client({ name: 'faramesh-mcp-example', version: '1.0.0' })
  await client.connect(transport)
  try {
    // 1. allowed: reads go straight through (and are recorded, with a digest of the answer).
    const read = (await client.callTool({ name: 'read_text_file', arguments: { path: join(dir, 'notes.txt') } })) as CallToolResult
    console.log(`allowed: read_text_file → ${JSON.stringify(text(read).trim())}`)

    // 2. denied: the server never sees the call; the answer says why and names the action.
    const envFile = join(dir, '.env')
    const denied = (await client.callTool({ name: 'write_file', arguments: { path: envFile, content: 'API_KEY=oops' } })) as CallToolResult
    console.log(`denied: write_file .env → isError=${denied.isError === true}: ${text(denied).split('\n')[0]}`)
    console.log(`denied: .env exists: ${existsSync(envFile)}`)

    // 3. approval: the call is held until a person decides; progress says which action to approve.
    const todo = join(dir, 'todo.txt')
    let announced = false
    const written = (await client.callTool({ name: 'write_file', arguments: { path: todo, content: '- review the wrapper\n' } }, undefined, {
      timeout: 120_000,
      resetTimeoutOnProgress: true,
      onprogress: (p) => {
        const id = /action ([0-9a-f-]{36})/.exec(p.message ?? '')?.[1]
        if (!id || announced) return
        announced = true
        console.log(`held: write_file todo.txt waits for approval of action ${id}`)
        if (approverToken) void approveWhenHeld(baseUrl, approverToken, id).catch((e: unknown) => console.error(String(e)))
        else console.log(`held: approve it in the dashboard (${baseUrl}/?action=${id}) or with: faramesh approve ${id.slice(0, 8)}`)
      },
    })) as CallToolResult
    console.log(`approved: write_file todo.txt → isError=${written.isError === true}: ${text(written).split('\n')[0]}`)
    console.log(`approved: todo.txt contains ${JSON.stringify(existsSync(todo) ? readFileSync(todo, 'utf8') : null)}`)
  } finally {
    await client.close()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err))
  process.exit(1)
})
