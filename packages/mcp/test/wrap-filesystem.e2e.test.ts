// `faramesh mcp wrap` end to end: the SDK's Client over StdioClientTransport → the built CLI → the real
// server-filesystem on a temp dir, against a real gateway on SQLite and on a throw-away Postgres.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { startPostgres, type PostgresInstance } from '@faramesh/ledger/testing'
import { canonicalJson, sha256Hex } from '@faramesh/sdk'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  clientEnv,
  eventually,
  filesystemBin,
  processesMentioning,
  removeDir,
  requireBuiltCli,
  startTestGateway,
  tempDir,
  TOKENS,
  wrapArgv,
  type TestGateway,
} from './wrap-harness.js'

requireBuiltCli()

interface Session {
  client: Client
  transport: StdioClientTransport
  stderr: () => string
  errors: Error[]
}

const sessions: Session[] = []

async function connect(gw: TestGateway, dir: string, token = TOKENS.a1, extraFlags: string[] = []): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: wrapArgv(['--name', 'files', '--gateway', gw.url, ...extraFlags], [process.execPath, filesystemBin(), dir]),
    env: clientEnv({ FARAMESH_TOKEN: token }),
    stderr: 'pipe',
  })
  let err = ''
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString()))
  const errors: Error[] = []
  const client = new Client({ name: 'e2e-client', version: '1.0.0' })
  client.onerror = (e) => errors.push(e)
  const s = { client, transport, stderr: () => err, errors }
  sessions.push(s)
  await client.connect(transport)
  return s
}

const text = (r: CallToolResult): string => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('')

async function actionFor(gw: TestGateway, operation: string, status?: string) {
  return eventually(async () => {
    const list = await gw.actions(`?tool=${encodeURIComponent('mcp:files')}&limit=100`)
    return list.find((a) => a.operation === operation && (status === undefined || a.status === status))
  }, 20_000, `an ${operation} action${status ? ` in ${status}` : ''}`)
}

const backends: Array<'sqlite' | 'postgres'> = ['sqlite', 'postgres']

describe.each(backends)('faramesh mcp wrap → server-filesystem, gateway on %s', (backend) => {
  let pg: PostgresInstance | null = null
  let gw: TestGateway
  let dir: string

  beforeAll(async () => {
    if (backend === 'postgres') pg = await startPostgres()
    gw = await startTestGateway(pg ? { postgresDsn: pg.dsn } : {})
  }, 90_000)
  afterAll(async () => {
    await gw?.close()
    await pg?.stop()
  })
  beforeEach(() => {
    dir = tempDir('faramesh-mcp-files-')
  })
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.client.close().catch(() => {})))
    removeDir(dir)
  })

  it('an allowed read_text_file returns the file, and the action records the result digest', async () => {
    writeFileSync(join(dir, 'hello.txt'), 'hello from the file')
    const { client, errors } = await connect(gw, dir)
    const result = (await client.callTool({ name: 'read_text_file', arguments: { path: join(dir, 'hello.txt') } })) as CallToolResult
    expect(result.isError).toBeFalsy()
    expect(text(result)).toBe('hello from the file')
    const action = await eventually(async () => {
      const a = await actionFor(gw, 'read_text_file')
      return a.status === 'succeeded' ? a : undefined
    }, 20_000, 'the read to be reported')
    expect(action).toMatchObject({ agent_id: 'a1', tool: 'mcp:files', operation: 'read_text_file', params: { path: join(dir, 'hello.txt') } })
    expect(action.context).toMatchObject({ mcp: { server: 'files', agent_source: 'token' } })
    const digest = (action.result as { mcp?: { bytes?: number; sha256?: string } } | null)?.mcp
    expect(digest?.sha256).toBe(sha256Hex(canonicalJson(result)))
    expect(digest?.bytes).toBeGreaterThan(0)
    // The content itself is never stored.
    expect(JSON.stringify(action)).not.toContain('hello from the file')
    expect(errors).toEqual([])
  })

  it('write_file under an approval rule waits; an approver approves through the API; the call completes and the file exists', async () => {
    const { client } = await connect(gw, dir)
    const target = join(dir, 'approved.txt')
    const call = client.callTool({ name: 'write_file', arguments: { path: target, content: 'written after approval' } }, undefined, { timeout: 60_000 })
    const held = await actionFor(gw, 'write_file', 'pending_approval')
    await new Promise((r) => setTimeout(r, 500))
    expect(existsSync(target)).toBe(false)
    await gw.approve(held.id)
    const result = (await call) as CallToolResult
    expect(result.isError).toBeFalsy()
    expect(readFileSync(target, 'utf8')).toBe('written after approval')
    await eventually(async () => ((await gw.action(held.id)).status === 'succeeded' ? true : undefined), 20_000, 'the write to be reported')
  })

  it('a denied call answers isError with the reason and the action id, and writes nothing', async () => {
    const { client } = await connect(gw, dir)
    const target = join(dir, 'forbidden.txt')
    const result = (await client.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } })) as CallToolResult
    expect(result.isError).toBe(true)
    const denied = await actionFor(gw, 'write_file', 'denied')
    expect(text(result)).toContain(denied.id)
    expect(text(result)).toMatch(/Faramesh denied/)
    expect(existsSync(target)).toBe(false)
  })

  it('a call cancelled while held is withdrawn and never runs after a late approval', async () => {
    const { client } = await connect(gw, dir)
    const target = join(dir, 'cancelled.txt')
    const ctl = new AbortController()
    const call = client.callTool({ name: 'write_file', arguments: { path: target, content: 'never' } }, undefined, { signal: ctl.signal, timeout: 60_000 })
    const held = await actionFor(gw, 'write_file', 'pending_approval')
    ctl.abort('user gave up')
    await expect(call).rejects.toThrow()
    const withdrawn = await eventually(async () => {
      const a = await gw.action(held.id)
      return a.status === 'timeout' ? a : undefined
    }, 20_000, 'the held call to be withdrawn')
    expect(withdrawn.status).toBe('timeout')
    const late = await gw.api('POST', `/v1/actions/${held.id}/approval`, { approve: true }, TOKENS.approver)
    expect(late.status).toBe(409)
    await new Promise((r) => setTimeout(r, 1500))
    expect(existsSync(target)).toBe(false)
  })
})

describe('faramesh mcp wrap: the session ends cleanly', () => {
  let gw: TestGateway
  let dir: string
  beforeAll(async () => {
    gw = await startTestGateway()
  })
  afterAll(async () => {
    await gw?.close()
  })
  beforeEach(() => {
    dir = tempDir('faramesh-mcp-eof-')
  })
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.client.close().catch(() => {})))
    removeDir(dir)
  })

  it('client EOF ends the wrapper (exit 0) and the server child', async () => {
    const s = await connect(gw, dir)
    await s.client.listTools()
    const wrapperPid = s.transport.pid!
    expect(processesMentioning(dir).length).toBeGreaterThanOrEqual(2)
    const exited = new Promise<number | null>((resolve) => {
      const t = setInterval(() => {
        try {
          process.kill(wrapperPid, 0)
        } catch {
          clearInterval(t)
          resolve(null)
        }
      }, 50)
    })
    // Close stdin only (what a desktop client does when it quits): the SDK's close() would signal the wrapper later.
    ;(s.transport as unknown as { _process: { stdin: NodeJS.WritableStream } })._process.stdin.end()
    const code = await new Promise<number | null>((resolve) => (s.transport as unknown as { _process: { once(e: string, f: (c: number | null) => void): void } })._process.once('exit', resolve))
    await exited
    expect(code).toBe(0)
    await eventually(async () => (processesMentioning(dir).length === 0 ? true : undefined), 5000, 'the server child to be gone')
  })

  it('a gateway that went down: the call is not run, isError says so, and the file is absent', async () => {
    const own = await startTestGateway()
    try {
      const { client } = await connect(own, dir)
      await own.stop()
      const target = join(dir, 'while-down.txt')
      const result = (await client.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } }, undefined, { timeout: 30_000 })) as CallToolResult
      expect(result.isError).toBe(true)
      expect(text(result)).toMatch(/not run/)
      expect(existsSync(target)).toBe(false)
    } finally {
      await own.close()
    }
  })
})
