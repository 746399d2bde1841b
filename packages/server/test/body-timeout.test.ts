// Slow uploads (issue: they held memory for five minutes, node's default requestTimeout). A request not received
// whole within FARAMESH_BODY_TIMEOUT is answered 408 with a JSON detail and its connection closed, on the fast lane
// and on the Hono routes alike, and what its body had buffered is freed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger } from '../src/logger.js'
import { loadConfig } from '../src/node/config.js'
import { startGateway, type GatewayHandle } from '../src/node/start-gateway.js'
import { metricValue, POLICY } from './helpers.js'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

let dir: string
let gw: GatewayHandle
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-slow-'))
  mkdirSync(join(dir, 'policies'))
  writeFileSync(join(dir, 'policies', 'default.yaml'), POLICY)
  gw = await startGateway(loadConfig({ FARAMESH_PORT: '0', FARAMESH_BODY_TIMEOUT: '1' }, dir), { logger: silentLogger })
})
afterAll(async () => {
  await gw.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Opens a connection, sends the head and `sent` bytes of a body that claims more, then stalls; resolves with the answer. */
function stalledUpload(head: string, body: Buffer): { socket: Socket; answer: Promise<string> } {
  const socket = connect(gw.port, '127.0.0.1')
  socket.write(head)
  socket.write(body)
  const answer = new Promise<string>((resolve) => {
    let got = ''
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => (got += d))
    socket.on('close', () => resolve(got))
    socket.on('error', () => undefined)
  })
  return { socket, answer }
}

const MB = 1024 * 1024
const chunk = Buffer.alloc(900 * 1024, 'a')

describe('FARAMESH_BODY_TIMEOUT', () => {
  it('answers 408 with a detail to a stalled upload on the fast lane and on a chunked (Hono) request', async () => {
    const started = Date.now()
    const fast = stalledUpload(`POST /v1/actions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${MB}\r\n\r\n`, chunk)
    const hono = stalledUpload(
      `POST /v1/actions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`,
      Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]),
    )
    for (const answer of [await fast.answer, await hono.answer]) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/)
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ detail: 'Request not received within 1 s (FARAMESH_BODY_TIMEOUT)' })
    }
    expect(Date.now() - started).toBeLessThan(4000)
    expect(await metricValue(gw.url, 'faramesh_requests_total', { method: 'POST', endpoint: '/v1/actions', status: '408' })).toBeGreaterThanOrEqual(1)
    expect(await metricValue(gw.url, 'faramesh_errors_total', { error_type: 'REQUEST_TIMEOUT' })).toBe(2)
    // The gateway still answers normally.
    const ok = await fetch(`${gw.url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' }) })
    expect(ok.status).toBe(200)
  })

  it('frees what the stalled bodies had buffered once they time out', async () => {
    gc()
    const before = process.memoryUsage().arrayBuffers
    const uploads = Array.from({ length: 30 }, () =>
      stalledUpload(`POST /v1/actions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${MB}\r\n\r\n`, chunk),
    )
    // The bodies pile up in the gateway's buffers (27 MB if all arrive within the second; on a busy machine some
    // time out before the last ones are in, so ask for a third of that).
    const deadline = Date.now() + 3000
    let peak = 0
    while (Date.now() < deadline && peak - before < 9 * MB) {
      await new Promise((r) => setTimeout(r, 50))
      gc()
      peak = Math.max(peak, process.memoryUsage().arrayBuffers)
    }
    expect(peak - before).toBeGreaterThan(9 * MB)
    await Promise.all(uploads.map((u) => u.answer))
    // Closed connections are torn down over a few ticks; within a second everything they held is collectable.
    let held = Infinity
    for (let i = 0; i < 20 && held >= 4 * MB; i++) {
      await new Promise((r) => setTimeout(r, 50))
      gc()
      held = process.memoryUsage().arrayBuffers - before
    }
    expect(held).toBeLessThan(4 * MB)
  })

  it('leaves a slow but steady request alone, and rejects a bad value at start', async () => {
    const body = JSON.stringify({ agent_id: 'a', tool: 'http', operation: 'get' })
    const s = connect(gw.port, '127.0.0.1')
    const answer = new Promise<string>((resolve) => {
      let got = ''
      s.setEncoding('utf8')
      s.on('data', (d: string) => {
        got += d
        if (got.includes('"agent_id"')) resolve(got)
      })
    })
    s.write(`POST /v1/actions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: ${body.length}\r\n\r\n`)
    await new Promise((r) => setTimeout(r, 600)) // within the second
    s.write(body)
    expect(await answer).toMatch(/^HTTP\/1\.1 200 /)
    s.destroy()
    expect(() => loadConfig({ FARAMESH_BODY_TIMEOUT: 'soon' }, dir)).toThrow(/FARAMESH_BODY_TIMEOUT/)
  })

  it('does not cut a response that streams longer than the timeout (SSE)', async () => {
    const ac = new AbortController()
    const res = await fetch(`${gw.url}/v1/events`, { signal: ac.signal })
    const reader = res.body!.getReader()
    await new Promise((r) => setTimeout(r, 2500))
    await fetch(`${gw.url}/v1/actions`, { method: 'POST', body: JSON.stringify({ agent_id: 'late', tool: 'http', operation: 'get' }) })
    let text = ''
    while (!text.includes('"agent_id":"late"')) {
      const { value, done } = await reader.read()
      expect(done).toBe(false)
      text += new TextDecoder().decode(value)
    }
    ac.abort()
  })
})
