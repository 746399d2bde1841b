import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { StreamFrame } from '@faramesh/policy-core'
import { afterEach, describe, expect, it } from 'vitest'
import { connectEventStream, type StreamStatus } from './event-stream.js'

// A real HTTP server on 127.0.0.1 speaking SSE: frames with ids, a dropped connection, a 401.
interface Harness {
  url: string
  requests: IncomingMessage[]
  server: Server
}

function frameText(seq: number): string {
  const data = { type: 'action.updated', event_type: 'approved', action_id: `a${seq}`, data: { id: `a${seq}` }, timestamp: '', seq }
  return `id: ${seq}\ndata: ${JSON.stringify(data)}\n\n`
}

async function start(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<Harness> {
  const requests: IncomingMessage[] = []
  const server = createServer((req, res) => {
    requests.push(req)
    handler(req, res, requests.length)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`, requests, server }
}

let harness: Harness | null = null
afterEach(async () => {
  harness?.server.closeAllConnections()
  await new Promise((r) => harness?.server.close(r))
  harness = null
})

function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  return new Promise((resolve, reject) => {
    const poll = () => (check() ? resolve() : Date.now() > end ? reject(new Error('timed out')) : setTimeout(poll, 10))
    poll()
  })
}

describe('connectEventStream', () => {
  it('sends the token, delivers frames, and resumes with Last-Event-ID after a dropped connection', async () => {
    harness = await start((req, res, n) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      if (n === 1) {
        res.write(': hello\n\n' + frameText(1) + frameText(2))
        // Drop the connection mid-stream, the way a proxy restart would.
        setTimeout(() => res.destroy(), 30)
      } else {
        const after = Number(req.headers['last-event-id'])
        res.write(`retry: 50\n` + frameText(after + 1))
      }
    })
    const frames: StreamFrame[] = []
    const statuses: StreamStatus[] = []
    const stream = connectEventStream({
      url: harness.url,
      getToken: () => 'tok',
      onFrame: (f) => frames.push(f),
      onStatus: (s) => statuses.push(s),
      maxBackoffMs: 50,
    })
    await until(() => frames.length === 3)
    stream.close()
    expect(frames.map((f) => f.seq)).toEqual([1, 2, 3])
    expect(harness.requests[0]!.headers.authorization).toBe('Bearer tok')
    expect(harness.requests[0]!.headers['last-event-id']).toBeUndefined()
    expect(harness.requests[1]!.headers['last-event-id']).toBe('2')
    expect(statuses).toEqual(['connecting', 'live', 'reconnecting', 'reconnecting', 'live'])
    expect(stream.lastEventId).toBe('3')
  })

  it('skips frames it cannot read without dropping the stream', async () => {
    harness = await start((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      res.write('id: 1\ndata: not json\n\nid: 2\ndata: {"no":"fields"}\n\n' + frameText(3))
    })
    const frames: StreamFrame[] = []
    const stream = connectEventStream({ url: harness.url, getToken: () => null, onFrame: (f) => frames.push(f), onStatus: () => {} })
    await until(() => frames.length === 1)
    expect(frames[0]!.seq).toBe(3)
    expect(stream.lastEventId).toBe('3')
    stream.close()
  })

  it('stops and reports unauthorized on 401 instead of retrying forever', async () => {
    harness = await start((_req, res) => {
      res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"detail":"Unauthorized"}')
    })
    const statuses: StreamStatus[] = []
    connectEventStream({ url: harness.url, getToken: () => 'bad', onFrame: () => {}, onStatus: (s) => statuses.push(s), maxBackoffMs: 10 })
    await until(() => statuses.includes('unauthorized'))
    await new Promise((r) => setTimeout(r, 100))
    expect(harness.requests).toHaveLength(1)
  })

  it('treats a silent connection as dead and reconnects', async () => {
    harness = await start((_req, res, n) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' })
      if (n === 2) res.write(frameText(1))
      // the first connection never sends a byte
    })
    const frames: StreamFrame[] = []
    const stream = connectEventStream({
      url: harness.url, getToken: () => null, onFrame: (f) => frames.push(f), onStatus: () => {}, idleTimeoutMs: 150, maxBackoffMs: 20,
    })
    await until(() => frames.length === 1)
    stream.close()
    expect(harness.requests.length).toBeGreaterThanOrEqual(2)
  })
})
