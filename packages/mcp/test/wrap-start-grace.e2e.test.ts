// A wrapper-held call (submitted over HTTP: no holder gateway in its meta) whose wrapper dies with SIGKILL, so it
// cannot withdraw it: a person approves it later, and nobody will ever start it. The gateway fails it once
// FARAMESH_MCP_START_GRACE has passed since the approval ("not executed: the MCP call that asked for it is gone"),
// never runs it, and a start after that is a 409. A live wrapper starts an approved call within about a second, so the
// same short grace leaves its calls alone.
import { existsSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  eventually,
  filesystemBin,
  INITIALIZE,
  killRawWrappers,
  rawWrap,
  removeDir,
  requireBuiltCli,
  startTestGateway,
  tempDir,
  TOKENS,
  type RawWrap,
  type TestGateway,
} from './wrap-harness.js'

requireBuiltCli()

const GRACE_MS = 5000
let gw: TestGateway
let dir: string
beforeAll(async () => {
  gw = await startTestGateway({ env: { FARAMESH_MCP_START_GRACE: `${GRACE_MS / 1000}s` } })
  dir = tempDir('faramesh-mcp-grace-')
})
afterAll(async () => {
  await gw?.close()
  removeDir(dir)
})
afterEach(() => killRawWrappers())

async function holdWrite(target: string): Promise<{ w: RawWrap; id: string }> {
  const w = rawWrap(['--name', 'files', '--gateway', gw.url], [process.execPath, filesystemBin(), dir], { FARAMESH_TOKEN: TOKENS.a1 })
  w.send(INITIALIZE())
  await w.waitFor((m) => m.id === 0)
  w.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
  w.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'write_file', arguments: { path: target, content: 'hello' } } })
  const held = await eventually(async () => {
    const list = await gw.actions('?tool=mcp:files&status=pending_approval')
    return list.find((a) => (a.params as { path?: string }).path === target)
  }, 15_000, 'the held call')
  return { w, id: held.id }
}

describe('FARAMESH_MCP_START_GRACE: an approved call whose wrapper is gone', () => {
  it('a wrapper killed with SIGKILL while its call is held: approved later, it is failed after the grace, never run', async () => {
    const target = `${dir}/after-sigkill.txt`
    const { w, id } = await holdWrite(target)
    w.child.kill('SIGKILL')
    expect((await w.exited).signal).toBe('SIGKILL')
    // Nobody withdrew it: it still waits for a person, who approves it.
    expect((await gw.action(id)).status).toBe('pending_approval')
    const approvedAt = Date.now()
    expect((await gw.approve(id)).status).toBe('approved')
    const failed = await eventually(async () => {
      const a = await gw.action(id)
      return a.status === 'approved' ? undefined : a
    }, GRACE_MS + 15_000, 'the approved call to be failed')
    const after = Date.now() - approvedAt
    expect(after).toBeGreaterThanOrEqual(GRACE_MS - 500)
    expect(after).toBeLessThan(GRACE_MS + 12_000)
    expect(failed).toMatchObject({ status: 'failed', error: 'not executed: the MCP call that asked for it is gone' })
    const events = (await gw.api<Array<{ event_type: string; meta: Record<string, unknown> }>>('GET', `/v1/actions/${id}/events`)).body
    expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made', 'approved', 'failed'])
    expect(events.at(-1)!.meta).toMatchObject({ error: 'not executed: the MCP call that asked for it is gone', start_grace_ms: GRACE_MS })
    // A start after that (the wrapper's own, had it come back) is refused, and the file was never written.
    expect((await gw.api('POST', `/v1/actions/${id}/start`, {}, TOKENS.a1)).status).toBe(409)
    expect(existsSync(target)).toBe(false)
  }, 60_000)

  it('a live wrapper starts its approved call well within the grace: the call completes and stays succeeded', async () => {
    const target = `${dir}/live.txt`
    const { w, id } = await holdWrite(target)
    await gw.approve(id)
    const answer = await w.waitFor((m) => m.id === 7, 15_000)
    expect(answer.result).toBeDefined()
    expect((answer.result as { isError?: boolean }).isError).not.toBe(true)
    expect(existsSync(target)).toBe(true)
    await new Promise((r) => setTimeout(r, GRACE_MS + 6000))
    expect((await gw.action(id)).status).toBe('succeeded')
  }, 60_000)
})
