import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { StdioEndpoint } from './stdio-endpoint.js'

function endpoint(maxLineBytes?: number) {
  const input = new PassThrough()
  const output = new PassThrough()
  const logs: string[] = []
  const ep = new StdioEndpoint({ input, output, log: (l) => logs.push(l), ...(maxLineBytes ? { maxLineBytes } : {}) })
  const received: JSONRPCMessage[] = []
  ep.onmessage = (m) => received.push(m)
  let written = ''
  output.on('data', (d: Buffer) => (written += d.toString()))
  const closed = new Promise<void>((r) => (ep.onclose = r))
  return { ep, input, output, logs, received, closed, lines: () => written.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l)) }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('StdioEndpoint', () => {
  it('delivers messages and ends on EOF', async () => {
    const e = endpoint()
    await e.ep.start()
    e.input.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n{"jsonrpc":"2.0","method":"notifications/initialized"}')
    e.input.end()
    await e.closed
    expect(e.received).toEqual([
      { jsonrpc: '2.0', id: 1, method: 'ping' },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
    ])
    expect(e.ep.endReason).toBe('eof')
  })

  it('answers a bad line with a JSON-RPC error and goes on with the next one', async () => {
    const e = endpoint(256)
    await e.ep.start()
    e.input.write('{oops\n')
    e.input.write('{"jsonrpc":"2.0","id":9,"method":5}\n')
    e.input.write(`{"jsonrpc":"2.0","id":10,"method":"${'x'.repeat(300)}"}\n`)
    e.input.write('{"jsonrpc":"2.0","id":2,"method":"ping"}\n')
    await tick()
    await tick()
    expect(e.lines()).toEqual([
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error: /) } },
      { jsonrpc: '2.0', id: 9, error: { code: -32600, message: 'Invalid Request: not a JSON-RPC 2.0 message' } },
      { jsonrpc: '2.0', id: null, error: { code: -32600, message: expect.stringMatching(/over the limit of 256 bytes/) } },
    ])
    expect(e.received).toEqual([{ jsonrpc: '2.0', id: 2, method: 'ping' }])
    expect(e.logs).toHaveLength(3)
  })

  it('ends when stdout breaks (EPIPE), and send() then fails instead of hanging', async () => {
    const e = endpoint()
    await e.ep.start()
    e.output.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
    await e.closed
    expect(e.ep.endReason).toBe('epipe')
    await expect(e.ep.send({ jsonrpc: '2.0', method: 'x' })).rejects.toThrow(/client is gone/)
  })

  it('writes one message per line', async () => {
    const e = endpoint()
    await e.ep.start()
    await e.ep.send({ jsonrpc: '2.0', id: 1, result: { text: 'a\nb' } })
    expect(e.lines()).toEqual([{ jsonrpc: '2.0', id: 1, result: { text: 'a\nb' } }])
  })
})
