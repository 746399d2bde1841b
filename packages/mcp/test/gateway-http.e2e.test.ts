// The HTTP gateway end to end: an SDK Client over Streamable HTTP with a bearer token → a real gateway (startGateway
// with the mcpGateway extension) → server-filesystem as a command upstream on a temp dir, server-everything as a url
// upstream (its own streamableHttp process) and as a command upstream, and a header-recording SDK server. Once on
// SQLite, once on a throw-away Postgres.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Action } from '@faramesh/policy-core'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  EVERYTHING_BIN,
  FS_BIN,
  TOKENS,
  gatewayFolder,
  headerRecorder,
  mcpClient,
  spawnEverythingHttp,
  startMcpGateway,
  until,
  type HeaderRecorder,
  type McpGateway,
  type Spawned,
} from './http-gateway.js'

export const POLICY = `
rules:
  - match: { tool: "mcp:files", op: "write_file", path_contains: "forbidden" }
    deny: true
    description: "Forbidden files are never written"
  - match: { tool: "mcp:files", op: "write_file" }
    require_approval: true
    description: "Writing files needs a person"
  - match: { tool: "mcp:files", op: "*" }
    allow: true
    description: "Reading files is fine"
  - match: { tool: "mcp:everything", op: "*" }
    allow: true
  - match: { tool: "mcp:everything-cmd", op: "*" }
    allow: true
  - match: { tool: "mcp:recorder", op: "*" }
    allow: true
  - match: { tool: "*", op: "*" }
    deny: true
    description: "Default deny"
`

export const serversYaml = (o: { data: string; everythingUrl: string; recorderUrl: string }) => `
files:
  command: "${process.execPath}"
  args: ["${FS_BIN}", "${o.data}"]
everything:
  url: "${o.everythingUrl}"
everything-cmd:
  command: "${process.execPath}"
  args: ["${EVERYTHING_BIN}", "stdio"]
  env: { SHOWN_TO_CHILD: "\${CHILD_VALUE}" }
recorder:
  url: "${o.recorderUrl}"
  headers:
    X-Upstream-Key: "\${RECORDER_KEY}"
`

const text = (r: unknown): string =>
  ((r as { content?: Array<{ text?: string }> }).content ?? []).map((c) => c.text ?? '').join('\n')
const UPSTREAM_KEY = 'upstream-key-0a1b2c3d4e5f'

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`the MCP gateway on ${backend}`, () => {
    let pg: PostgresInstance | undefined
    let everything: Spawned
    let recorder: HeaderRecorder
    let data: string
    let dir: string
    let g: McpGateway
    const seen = new Set<string>()

    beforeAll(async () => {
      if (backend === 'postgres') pg = await startPostgres()
      everything = await spawnEverythingHttp()
      recorder = await headerRecorder()
      data = mkdtempSync(join(tmpdir(), 'faramesh-mcp-data-'))
      writeFileSync(join(data, 'hello.txt'), 'hello from the temp dir\n')
      dir = gatewayFolder(
        POLICY,
        serversYaml({ data, everythingUrl: everything.url, recorderUrl: recorder.url }),
      )
      // Secrets the gateway holds in its own environment: none may reach an upstream or an agent.
      process.env.FARAMESH_PROBE_SECRET = 'faramesh-probe-secret-value'
      process.env.DATABASE_URL = 'postgres://probe:probe-password@db.invalid/probe'
      g = await startMcpGateway(dir, {
        CHILD_VALUE: 'given-to-the-child',
        RECORDER_KEY: UPSTREAM_KEY,
        ...(pg ? { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: pg.dsn } : {}),
      })
    })
    afterAll(async () => {
      delete process.env.FARAMESH_PROBE_SECRET
      delete process.env.DATABASE_URL
      await g?.close()
      await everything?.stop()
      await recorder?.stop()
      await pg?.stop()
      if (dir) rmSync(dir, { recursive: true, force: true })
      if (data) rmSync(data, { recursive: true, force: true })
    })

    const admin = () => g.client(TOKENS.admin)
    const newHeld = () =>
      until(
        async () =>
          (await admin().listActions({ tool: 'mcp:files', status: 'pending_approval', limit: 100 })).find(
            (a) => !seen.has(a.id),
          ),
        10_000,
        'a held action',
      ).then((a) => {
        seen.add(a.id)
        return a
      })
    const actionOf = (id: string) => admin().getAction(id)

    it('an allowed read returns the file; the action carries the token’s agent (a1), not the clientInfo (a2)', async () => {
      const c = await mcpClient(g.url, 'files', { token: TOKENS.a1, clientName: 'a2' })
      try {
        const r = await c.client.callTool({
          name: 'read_text_file',
          arguments: { path: join(data, 'hello.txt') },
        })
        expect(r.isError).toBeFalsy()
        expect(text(r)).toContain('hello from the temp dir')
        const done = await until(async () =>
          (await admin().listActions({ tool: 'mcp:files', limit: 100 })).find(
            (a) => a.operation === 'read_text_file' && a.status === 'succeeded',
          ),
        )
        expect(done.agent_id).toBe('a1')
        expect(done.context).toMatchObject({ mcp: { server: 'files', agent_source: 'token' } })
        expect(done.params).toEqual({ path: join(data, 'hello.txt') })
      } finally {
        await c.close()
      }
    })

    it('a write under an approval rule waits; an approver approves through the API; it completes and the file exists', async () => {
      const c = await mcpClient(g.url, 'files', { token: TOKENS.a1 })
      const target = join(data, `approved-${backend}.txt`)
      try {
        const call = c.client.callTool({
          name: 'write_file',
          arguments: { path: target, content: 'approved content' },
        })
        const held = await newHeld()
        expect(held.status).toBe('pending_approval')
        expect(held.agent_id).toBe('a1')
        await new Promise((r) => setTimeout(r, 500))
        expect(existsSync(target)).toBe(false)
        await g.client(TOKENS.approver).approveAction(held.id)
        const r = await call
        expect(r.isError).toBeFalsy()
        expect(readFileSync(target, 'utf8')).toBe('approved content')
        await until(async () => ((await actionOf(held.id)).status === 'succeeded' ? true : undefined))
      } finally {
        await c.close()
      }
    })

    it('a denied write is an isError result naming Faramesh, and no file is written', async () => {
      const c = await mcpClient(g.url, 'files', { token: TOKENS.a1 })
      const target = join(data, 'forbidden.txt')
      try {
        const r = await c.client.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } })
        expect(r.isError).toBe(true)
        expect(text(r)).toContain('Faramesh denied')
        expect(text(r)).toContain('Forbidden files are never written')
        await new Promise((r) => setTimeout(r, 300))
        expect(existsSync(target)).toBe(false)
      } finally {
        await c.close()
      }
    })

    it('a client that closes its connection while held: the call is withdrawn and never runs after a late approval', async () => {
      const c = await mcpClient(g.url, 'files', { token: TOKENS.a1 })
      const target = join(data, `abandoned-${backend}.txt`)
      const call = c.client
        .callTool({ name: 'write_file', arguments: { path: target, content: 'too late' } })
        .catch((e: unknown) => e)
      const held = await newHeld()
      // The client goes away without a cancel notification: its POST stream is cut.
      await c.transport.close()
      await call
      const withdrawn = await until(
        async () => {
          const a = await actionOf(held.id)
          return a.status === 'timeout' ? a : undefined
        },
        10_000,
        'the withdrawal',
      )
      expect(withdrawn.status).toBe('timeout')
      await expect(g.client(TOKENS.approver).approveAction(held.id)).rejects.toMatchObject({
        statusCode: 409,
      })
      await new Promise((r) => setTimeout(r, 500))
      expect(existsSync(target)).toBe(false)
    })

    it('a client that cancels a held call (abort): withdrawn, never run', async () => {
      const c = await mcpClient(g.url, 'files', { token: TOKENS.a1 })
      const target = join(data, `cancelled-${backend}.txt`)
      try {
        const ac = new AbortController()
        const call = c.client
          .callTool({ name: 'write_file', arguments: { path: target, content: 'x' } }, undefined, {
            signal: ac.signal,
          })
          .catch((e: unknown) => e)
        const held = await newHeld()
        ac.abort()
        await call
        await until(
          async () => ((await actionOf(held.id)).status === 'timeout' ? true : undefined),
          10_000,
          'the withdrawal',
        )
        await expect(g.client(TOKENS.approver).approveAction(held.id)).rejects.toMatchObject({
          statusCode: 409,
        })
        expect(existsSync(target)).toBe(false)
      } finally {
        await c.close()
      }
    })

    it('everything as a url upstream: an allowed echo comes back', async () => {
      const c = await mcpClient(g.url, 'everything', { token: TOKENS.a1 })
      try {
        const r = await c.client.callTool({ name: 'echo', arguments: { message: 'through the gateway' } })
        expect(text(r)).toContain('through the gateway')
      } finally {
        await c.close()
      }
    })

    it("everything as a command upstream: get-env shows its configured variable and none of the gateway's settings or DSNs", async () => {
      const c = await mcpClient(g.url, 'everything-cmd', { token: TOKENS.a1 })
      try {
        const r = await c.client.callTool({ name: 'get-env', arguments: {} })
        const env = text(r)
        expect(env).toContain('given-to-the-child')
        expect(env).not.toMatch(/FARAMESH_|FARA_|DATABASE_URL|probe-password|faramesh-probe-secret/)
        if (pg) expect(env).not.toContain(pg.dsn)
        for (const t of Object.values(TOKENS)) expect(env).not.toContain(t)
      } finally {
        await c.close()
      }
    })

    it('the upstream gets its configured ${X} header and never the Faramesh bearer', async () => {
      const c = await mcpClient(g.url, 'recorder', { token: TOKENS.a1 })
      try {
        const r = await c.client.callTool({ name: 'ping_me', arguments: {} })
        expect(text(r)).toBe('pong')
        expect(recorder.seen.length).toBeGreaterThan(0)
        for (const h of recorder.seen) {
          expect(h['x-upstream-key']).toBe(UPSTREAM_KEY)
          expect(h.authorization).toBeUndefined()
          expect(JSON.stringify(h)).not.toContain(TOKENS.a1)
        }
        // Nor does the key reach the agent's actions.
        const acts = await admin().listActions({ tool: 'mcp:recorder', limit: 10 })
        expect(JSON.stringify(acts)).not.toContain(UPSTREAM_KEY)
      } finally {
        await c.close()
      }
    })
  })
}

export type { Action }
