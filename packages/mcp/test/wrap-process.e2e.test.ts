// `faramesh mcp wrap` as a process: who may use it, what it writes on stdout (MCP only), and how a server that
// crashes, exits or writes garbage ends the session with one clear line and a non-zero exit, never a hang.
import { existsSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  eventually,
  filesystemBin,
  INITIALIZE,
  killRawWrappers,
  processesMentioning,
  rawWrap,
  removeDir,
  requireBuiltCli,
  startTestGateway,
  tempDir,
  TOKENS,
  type TestGateway,
} from './wrap-harness.js'

requireBuiltCli()

let gw: TestGateway
let dir: string
beforeAll(async () => {
  gw = await startTestGateway()
  dir = tempDir('faramesh-mcp-proc-')
})
afterAll(async () => {
  await gw?.close()
  removeDir(dir)
})
afterEach(() => killRawWrappers())

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms))])

/** A fake MCP server: answers initialize, then does `then` on the next message. */
const fakeServer = (then: string): string[] => [
  process.execPath,
  '-e',
  `let n = 0; require('readline').createInterface({input: process.stdin}).on('line', (l) => {
     const m = JSON.parse(l)
     if (m.method === 'initialize') return process.stdout.write(JSON.stringify({jsonrpc: '2.0', id: m.id, result: {protocolVersion: m.params.protocolVersion, capabilities: {tools: {}}, serverInfo: {name: 'fake', version: '1'}}}) + '\\n')
     if (m.id === undefined) return
     ${then}
   })`,
]

const fsServer = (): string[] => [process.execPath, filesystemBin(), dir]

describe('who may wrap', () => {
  it('an a1 agent token with --agent a2 is refused (exit 5), before any server starts, with nothing on stdout', async () => {
    const w = rawWrap(['--name', 'files', '--gateway', gw.url, '--agent', 'a2'], fsServer(), { FARAMESH_TOKEN: TOKENS.a1 })
    const { code } = await within(w.exited, 20_000, 'exit')
    expect(code).toBe(5)
    expect(w.stderr()).toMatch(/The token belongs to agent a1; it cannot act as a2/)
    expect(w.lines.join('')).toBe('')
  })

  it('FARAMESH_AGENT_ID differing from the token agent is refused the same way', async () => {
    const w = rawWrap(['--gateway', gw.url], fsServer(), { FARAMESH_TOKEN: TOKENS.a1, FARAMESH_AGENT_ID: 'a2' })
    expect((await within(w.exited, 20_000, 'exit')).code).toBe(5)
  })

  it.each([
    ['approver', TOKENS.approver],
    ['auditor', TOKENS.auditor],
  ])('an %s token is refused (exit 5)', async (role, token) => {
    const w = rawWrap(['--gateway', gw.url], fsServer(), { FARAMESH_TOKEN: token })
    expect((await within(w.exited, 20_000, 'exit')).code).toBe(5)
    expect(w.stderr()).toContain(`A token of role ${role} cannot submit actions`)
  })

  it('a wrong token is refused (exit 5)', async () => {
    const w = rawWrap(['--gateway', gw.url], fsServer(), { FARAMESH_TOKEN: 'not-a-token' })
    expect((await within(w.exited, 20_000, 'exit')).code).toBe(5)
  })

  it('an unreachable gateway: exit 8 and "Is the gateway running?"', async () => {
    const w = rawWrap(['--gateway', 'http://127.0.0.1:9'], fsServer(), { FARAMESH_TOKEN: TOKENS.a1 })
    expect((await within(w.exited, 20_000, 'exit')).code).toBe(8)
    expect(w.stderr()).toMatch(/Cannot reach the Faramesh gateway at http:\/\/127\.0\.0\.1:9/)
    expect(w.stderr()).toMatch(/Is the gateway running\?/)
  })

  it('FARAMESH_BASE_URL and FARAMESH_TOKEN work without flags', async () => {
    const w = rawWrap([], fsServer(), { FARAMESH_BASE_URL: gw.url, FARAMESH_TOKEN: TOKENS.a1 })
    w.send(INITIALIZE())
    expect(await w.waitFor((m) => m.id === 0)).toMatchObject({ result: { serverInfo: { name: expect.any(String) } } })
    expect(w.stderr()).toContain("wrapping MCP server 'server-filesystem'")
  })

  it('bad usage: no command after --, or an invalid name (exit 2)', async () => {
    const none = rawWrap(['--gateway', gw.url], [], { FARAMESH_TOKEN: TOKENS.a1 })
    expect((await within(none.exited, 20_000, 'exit')).code).toBe(2)
    expect(none.stderr()).toMatch(/Give the MCP server to run after --/)
    const bad = rawWrap(['--gateway', gw.url, '--name', 'Bad Name!'], fsServer(), { FARAMESH_TOKEN: TOKENS.a1 })
    expect((await within(bad.exited, 20_000, 'exit')).code).toBe(2)
    expect(bad.stderr()).toMatch(/Invalid server name/)
  })
})

describe('stdout is MCP only', () => {
  it('every stdout line is a JSON-RPC message, bad client lines included; client EOF → exit 0', async () => {
    const w = rawWrap(['--name', 'files', '--gateway', gw.url], fsServer(), { FARAMESH_TOKEN: TOKENS.a1 })
    w.send(INITIALIZE())
    await w.waitFor((m) => m.id === 0)
    w.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    w.send('this is not json')
    w.send({ not: 'json-rpc', id: 'x' })
    // duplicate keys: read strictly, as the gateway reads a body (never 'the last one wins')
    w.send('{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"read_text_file","name":"write_file","arguments":{}}}')
    w.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
    await w.waitFor((m) => m.id === 1)
    w.send({ jsonrpc: '2.0', id: 2, method: 'no/such/method' })
    await w.waitFor((m) => m.id === 2)
    w.child.stdin!.end()
    const { code } = await within(w.exited, 15_000, 'exit after EOF')
    expect(code).toBe(0)
    const messages = w.lines.filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
    for (const m of messages) expect(m.jsonrpc).toBe('2.0')
    expect(messages.filter((m) => (m.error as { code?: number } | undefined)?.code === -32700)).toHaveLength(2)
    expect(messages.find((m) => m.id === 5)).toBeUndefined()
    expect(messages.find((m) => m.id === 'x')).toMatchObject({ error: { code: -32600 } })
    expect(messages.find((m) => m.id === 2)).toMatchObject({ error: { code: -32601 } })
  })
})

describe('a client that leaves while a call is held', () => {
  it('stdin EOF withdraws the held call (timeout, withdrawn), exits 0, and a late approval is refused', async () => {
    const w = rawWrap(['--name', 'files', '--gateway', gw.url], fsServer(), { FARAMESH_TOKEN: TOKENS.a1 })
    w.send(INITIALIZE())
    await w.waitFor((m) => m.id === 0)
    w.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
    const target = `${dir}/left-behind.txt`
    w.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'write_file', arguments: { path: target, content: 'never' } } })
    const held = await eventually(async () => {
      const list = await gw.actions('?tool=mcp:files&status=pending_approval')
      return list.find((a) => (a.params as { path?: string }).path === target)
    }, 15_000, 'the held call')
    w.child.stdin!.end()
    expect((await within(w.exited, 15_000, 'exit after EOF')).code).toBe(0)
    const after = await gw.action(held.id)
    expect(after.status).toBe('timeout')
    expect((await gw.api('POST', `/v1/actions/${held.id}/approval`, { approve: true }, TOKENS.approver)).status).toBe(409)
    expect(existsSync(target)).toBe(false)
  })
})

describe('a server that fails ends the session, never a hang', () => {
  it('a server that crashes (exit code 3): the pending call gets an error, one clear line, exit 15', async () => {
    const w = rawWrap(['--name', 'fake', '--gateway', gw.url], fakeServer('process.exit(3)'), { FARAMESH_TOKEN: TOKENS.a1 })
    w.send(INITIALIZE())
    await w.waitFor((m) => m.id === 0)
    w.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
    const answer = await w.waitFor((m) => m.id === 1)
    expect(answer).toMatchObject({ error: { message: expect.stringContaining("upstream server 'fake' exited with code 3") } })
    const { code } = await within(w.exited, 15_000, 'exit')
    expect(code).toBe(15)
    expect(w.stderr()).toMatch(/^Error: upstream server 'fake' exited with code 3/m)
    // said once, in one line (the relay's own log does not repeat it)
    expect(w.stderr().match(/exited with code 3/g)).toHaveLength(1)
  })

  it('a server killed by a signal: exit 15 naming the signal', async () => {
    const w = rawWrap(['--name', 'fake', '--gateway', gw.url], fakeServer(`process.kill(process.pid, 'SIGKILL')`), { FARAMESH_TOKEN: TOKENS.a1 })
    w.send(INITIALIZE())
    await w.waitFor((m) => m.id === 0)
    w.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
    expect((await within(w.exited, 15_000, 'exit')).code).toBe(15)
    expect(w.stderr()).toMatch(/upstream server 'fake' was killed by SIGKILL/)
  })

  it('a server that writes garbage: the pending call gets an error, exit 15, and the garbage never reaches stdout', async () => {
    const w = rawWrap(['--name', 'fake', '--gateway', gw.url], fakeServer(`process.stdout.write('Server started OK\\n'); setInterval(() => {}, 1000)`), { FARAMESH_TOKEN: TOKENS.a1 })
    w.send(INITIALIZE())
    await w.waitFor((m) => m.id === 0)
    w.send({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
    const answer = await w.waitFor((m) => m.id === 1)
    expect(answer).toMatchObject({ error: { message: expect.stringContaining("upstream server 'fake' wrote non-JSON output: Server started OK") } })
    expect((await within(w.exited, 15_000, 'exit')).code).toBe(15)
    expect(w.lines.join('\n')).not.toMatch(/^Server started OK/m)
  })

  it('a server command that does not exist: exit 15 with the reason', async () => {
    const w = rawWrap(['--name', 'ghost', '--gateway', gw.url], ['/nonexistent/mcp-server'], { FARAMESH_TOKEN: TOKENS.a1 })
    expect((await within(w.exited, 15_000, 'exit')).code).toBe(15)
    expect(w.stderr()).toMatch(/could not start '\/nonexistent\/mcp-server': ENOENT/)
  })

  it('SIGKILL to the wrapper: its server, ignoring SIGTERM and end of stdin, and the helper it started die too', async () => {
    const marker = `stubborn-${process.pid}-${Date.now()}`
    const server = fakeServer(`process.stdout.write(JSON.stringify({jsonrpc: '2.0', id: m.id, result: {tools: []}}) + '\\n')`)
    // The fake server, made stubborn, with a helper in its group; the marker is in their command lines.
    server[2] = `process.on('SIGTERM', () => {}); process.stdin.on('end', () => {});
      require('child_process').spawn(process.execPath, ['-e', 'process.on("SIGTERM", () => {}); setInterval(() => {}, 1000) // ${marker}'], {stdio: 'ignore'});
      setInterval(() => {}, 1000); // ${marker}
      ${server[2]}`
    const w = rawWrap(['--name', 'fake', '--gateway', gw.url], server, { FARAMESH_TOKEN: TOKENS.a1 })
    w.send(INITIALIZE())
    await w.waitFor((m) => m.id === 0)
    // the wrapper (the server's command is in its argv), the server, its helper
    expect(processesMentioning(marker)).toHaveLength(3)
    w.child.kill('SIGKILL')
    await w.exited
    await eventually(async () => (processesMentioning(marker).length === 0 ? true : undefined), 5000, 'the server and its helper to be gone')
  })

  it('SIGTERM to the wrapper ends it and its server', async () => {
    const w = rawWrap(['--name', 'files', '--gateway', gw.url], fsServer(), { FARAMESH_TOKEN: TOKENS.a1 })
    w.send(INITIALIZE())
    await w.waitFor((m) => m.id === 0)
    w.child.kill('SIGTERM')
    expect((await within(w.exited, 15_000, 'exit')).code).toBe(143)
  })
})
