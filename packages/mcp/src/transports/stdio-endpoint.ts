// A Transport on our own stdin/stdout: the MCP client's side of `faramesh mcp wrap`. The SDK's StdioServerTransport
// never notices EOF (server/stdio.js listens to data/error only) and drops a malformed line with an onerror; here EOF,
// a closed stdout (EPIPE) or a read error end the transport, and a bad line gets a JSON-RPC error reply, so the client
// hears about it and the session goes on.
import type { Readable, Writable } from 'node:stream'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { DEFAULT_MAX_LINE_BYTES, LineReader, serializeMessage, type Frame } from './line-framing.js'

export interface StdioEndpointOptions {
  input?: Readable
  output?: Writable
  maxLineBytes?: number
  /** One line per bad input, for the operator (stderr). */
  log?: (line: string) => void
}

export const PARSE_ERROR = -32700
export const INVALID_REQUEST = -32600

/** The JSON-RPC error reply a bad line gets; null when it deserves none (never for a valid message). */
export function errorReplyFor(frame: Frame, maxLineBytes: number): JSONRPCMessage | null {
  switch (frame.kind) {
    case 'message':
      return null
    case 'parse_error':
      return { jsonrpc: '2.0', id: null, error: { code: PARSE_ERROR, message: `Parse error: ${frame.detail}` } } as unknown as JSONRPCMessage
    case 'invalid':
      return { jsonrpc: '2.0', id: frame.id, error: { code: INVALID_REQUEST, message: `Invalid Request: ${frame.detail}` } } as unknown as JSONRPCMessage
    case 'oversized':
      return {
        jsonrpc: '2.0',
        id: null,
        error: { code: INVALID_REQUEST, message: `Invalid Request: message of ${frame.bytes} bytes is over the limit of ${maxLineBytes} bytes` },
      } as unknown as JSONRPCMessage
  }
}

export class StdioEndpoint implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage) => void

  private readonly input: Readable
  private readonly output: Writable
  private readonly reader: LineReader
  private ended = false
  /** Why it ended: 'eof' (the client closed stdin), 'epipe' (nobody reads stdout), 'closed' (close()). */
  endReason: 'eof' | 'epipe' | 'read_error' | 'closed' | null = null

  constructor(private readonly o: StdioEndpointOptions = {}) {
    this.input = o.input ?? process.stdin
    this.output = o.output ?? process.stdout
    // The client's JSON is read strictly, as the gateway reads an MCP body.
    this.reader = new LineReader(o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, true)
  }

  private readonly onData = (chunk: Buffer | string): void => {
    this.frames(this.reader.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk))
  }
  private readonly onEnd = (): void => {
    this.frames(this.reader.end())
    this.end('eof')
  }
  private readonly onReadError = (): void => this.end('read_error')
  private readonly onWriteError = (): void => this.end('epipe')

  async start(): Promise<void> {
    this.input.on('data', this.onData)
    this.input.once('end', this.onEnd)
    this.input.once('close', this.onEnd)
    this.input.on('error', this.onReadError)
    this.output.on('error', this.onWriteError)
    this.input.resume()
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.ended || this.output.destroyed || this.output.writableEnded) throw new Error('the MCP client is gone (stdout closed)')
    const ok = this.output.write(serializeMessage(message))
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.output.off('drain', done)
          this.output.off('close', done)
          resolve()
        }
        this.output.once('drain', done)
        this.output.once('close', done)
      })
    }
  }

  async close(): Promise<void> {
    this.end('closed')
  }

  private frames(frames: Frame[]): void {
    for (const f of frames) {
      if (this.ended) return
      if (f.kind === 'message') {
        this.onmessage?.(f.message)
        continue
      }
      const reply = errorReplyFor(f, this.reader.maxLineBytes)
      this.o.log?.(`faramesh: refused a bad message from the MCP client: ${reply && 'error' in reply ? reply.error.message : f.kind}`)
      if (reply) this.send(reply).catch(() => {})
    }
  }

  private end(reason: NonNullable<StdioEndpoint['endReason']>): void {
    if (this.ended) return
    this.ended = true
    this.endReason = reason
    this.input.off('data', this.onData)
    this.input.off('end', this.onEnd)
    this.input.off('close', this.onEnd)
    this.input.pause()
    this.onclose?.()
  }
}
