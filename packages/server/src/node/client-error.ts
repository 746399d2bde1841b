// Requests node's HTTP parser rejects (unknown method, bad Content-Length, oversized headers) never reach the app.
// Node's default answer is a bare "400 Bad Request" with no body; this one says why in a JSON `detail`, like every
// other error (CONTRACT.md § Errors). Same guard as node's own: answer only when no response on this connection has
// started, then close it. A request that did not arrive whole within FARAMESH_BODY_TIMEOUT (node's requestTimeout)
// comes here too: 408, and the connection is destroyed so whatever its body had buffered is freed at once.
import type { Socket } from 'node:net'
import { markRequestTimedOut } from '../errors.js'
import type { Metrics } from '../metrics.js'

const STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Payload Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
}

type ParseError = Error & { code?: string; reason?: string }
/** The response node has in flight on this connection, if any (the same field node's default handler reads). */
type HttpSocket = Socket & { _httpMessage?: { headersSent?: boolean } | null }

export function answerClientError(err: ParseError, socket: HttpSocket, metrics: Metrics, opts: { bodyTimeoutMs?: number } = {}): void {
  const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
  if (timeout) markRequestTimedOut(socket)
  // A peer that reset or closed the connection mid-request is gone, not malformed: the request, if one had started,
  // counts it as 499 (CLIENT_CLOSED).
  if (
    err.code === 'ECONNRESET' ||
    err.code === 'HPE_INVALID_EOF_STATE' ||
    !socket.writable ||
    socket._httpMessage?.headersSent
  ) {
    socket.destroy()
    return
  }
  // A timed-out request whose handler already runs is counted by that handler (it sees the connection end); one
  // still in its headers is counted here.
  if (!timeout) metrics.errors.inc({ error_type: 'MALFORMED_HTTP' })
  else if (!socket._httpMessage) metrics.errors.inc({ error_type: 'REQUEST_TIMEOUT' })
  const [status, text] = STATUS[err.code ?? ''] ?? [400, 'Bad Request']
  const detail = timeout
    ? `Request not received within ${(opts.bodyTimeoutMs ?? 0) / 1000} s (FARAMESH_BODY_TIMEOUT)`
    : `Malformed HTTP request: ${err.reason ?? err.message}`
  const body = JSON.stringify({ detail })
  socket.write(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  )
  socket.destroy()
}
