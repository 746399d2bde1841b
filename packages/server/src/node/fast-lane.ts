// The node fast lane for the two hot routes (POST /v1/gate/decide, POST /v1/actions): same operations, same auth,
// errors and metrics as the Hono routes (submit-ops.ts, on-error.ts), minus the per-request Request/Response
// objects. Only plain requests take it: a declared length within the limit and no Origin (CORS); everything else
// goes to the app. test/fast-lane.test.ts holds both paths to identical answers.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { GatewayApp } from '../app.js'
import { bearerToken } from '../auth.js'
import { decodeUtf8, MAX_BODY_BYTES } from '../body.js'
import { clientClosed } from '../errors.js'
import { errorPayload } from '../on-error.js'
import { gateDecideOp, submitOp } from '../submit-ops.js'

const ROUTES = new Set(['/v1/gate/decide', '/v1/actions'])

function send(res: ServerResponse, status: number, body: string, headers?: Record<string, string>): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers })
  res.end(body)
}

/** Returns a listener that handles a request and answers true, or answers false to pass it on. */
export function createFastLane(app: GatewayApp): (req: IncomingMessage, res: ServerResponse) => boolean {
  async function handle(path: string, req: IncomingMessage, buf: Buffer, res: ServerResponse): Promise<void> {
    let status = 200
    try {
      const p = app.auth.authenticate(bearerToken(req.headers.authorization))
      const text = decodeUtf8(buf)
      const out = path === '/v1/gate/decide' ? JSON.stringify(gateDecideOp(app.service, p, text)) : await submitOp(app.service, p, text, req.headers['idempotency-key'])
      send(res, 200, out)
    } catch (err) {
      const e = errorPayload(err, app.logger, app.metrics, path)
      status = e.status
      send(res, e.status, JSON.stringify(e.body), e.headers)
    } finally {
      app.metrics.countRequest('POST', path, status)
    }
  }

  return (req, res) => {
    const path = req.url
    if (req.method !== 'POST' || path === undefined || !ROUTES.has(path) || req.headers.origin) return false
    const len = Number(req.headers['content-length'])
    if (!(len >= 0 && len <= MAX_BODY_BYTES) || req.headers['transfer-encoding']) return false
    const chunks: Buffer[] = []
    // A client that hangs up mid-body: nothing to answer, but counted like the app counts it (499).
    req.on('error', () => app.metrics.countRequest('POST', path, errorPayload(clientClosed(), app.logger, app.metrics, path).status))
    req.on('data', (b: Buffer) => chunks.push(b))
    req.on('end', () => void handle(path, req, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), res))
    return true
  }
}
