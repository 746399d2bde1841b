// The node fast lane for the two hot routes (POST /v1/gate/decide, POST /v1/actions): same operations, same auth,
// errors and metrics as the Hono routes (submit-ops.ts, on-error.ts), minus the per-request Request/Response
// objects. Only plain requests take it: a declared length within the limit and no Origin (CORS); everything else
// goes to the app. test/fast-lane.test.ts holds both paths to identical answers.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { GatewayApp } from '../app.js'
import { bearerToken, type Principal } from '../auth.js'
import { decodeUtf8, MAX_BODY_BYTES } from '../body.js'
import { crossSiteDetail, crossSiteRefusal } from '../cross-site.js'
import { clientClosed, forbidden, requestTimedOut, requestTimeout } from '../errors.js'
import { errorPayload } from '../on-error.js'
import { gateDecideOp, submitOp } from '../submit-ops.js'

const ROUTES = new Set(['/v1/gate/decide', '/v1/actions'])

interface Answer {
  res: ServerResponse
  status: number
  body: string
  headers: Record<string, string> | undefined
}

// Answers are written together at the end of the event-loop turn (setImmediate runs after every I/O callback of the
// turn) rather than one by one as each request finishes. Each write to a client's socket wakes that client; written
// back to back, the first write wakes it and the rest find it awake, so the client reads several answers per wake-up
// and sends its next requests together, which this process then reads in one turn. On the 2-core bench machine this
// raised POST /v1/gate/decide by about 40 % and POST /v1/actions by about 8 % (A/B in alternating slices); an answer
// waits at most for the rest of the turn's callbacks. Order per connection is kept (the queue is FIFO).
const answers: Answer[] = []
let flushScheduled = false

function flushAnswers(): void {
  flushScheduled = false
  // Taken as a batch: a write that synchronously triggers another answer queues it for the next turn.
  const batch = answers.splice(0)
  for (const a of batch) {
    try {
      a.res.writeHead(a.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(a.body), ...a.headers })
      a.res.end(a.body)
    } catch {
      // Only a socket already torn down gets here; the other answers of the batch still go out.
      a.res.destroy()
    }
  }
}

function send(res: ServerResponse, status: number, body: string, headers?: Record<string, string>): void {
  answers.push({ res, status, body, headers })
  if (!flushScheduled) {
    flushScheduled = true
    setImmediate(flushAnswers)
  }
}

/** Returns a listener that handles a request and answers true, or answers false to pass it on. */
export function createFastLane(app: GatewayApp): (req: IncomingMessage, res: ServerResponse) => boolean {
  async function handle(path: string, p: Principal, req: IncomingMessage, buf: Buffer, res: ServerResponse): Promise<void> {
    let status = 200
    try {
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
    // Authenticated from the head, before any of the body is read (as the Hono routes do): a caller without a valid
    // token must not get a megabyte of our memory per connection for as long as FARAMESH_BODY_TIMEOUT. Its 401 closes
    // the connection, so the body it may still send is never read either.
    let p: Principal
    try {
      p = app.auth.authenticate(bearerToken(req.headers.authorization))
      // Browsers send Origin with every POST, so theirs go to the app; the Host check holds here all the same.
      const why = p.kind === 'anonymous' ? crossSiteRefusal({ host: req.headers.host, origin: undefined, openToNetwork: app.config.openToNetwork }) : null
      if (why) throw forbidden(crossSiteDetail(why))
    } catch (err) {
      const e = errorPayload(err, app.logger, app.metrics, path)
      send(res, e.status, JSON.stringify(e.body), { ...e.headers, connection: 'close' })
      app.metrics.countRequest('POST', path, e.status)
      return true
    }
    const chunks: Buffer[] = []
    // A client that hangs up mid-body, or whose body did not arrive in time (client-error.ts answered 408): nothing
    // more to answer, but counted like the app counts it.
    req.on('error', () => {
      const err = requestTimedOut(req.socket) ? requestTimeout() : clientClosed()
      app.metrics.countRequest('POST', path, errorPayload(err, app.logger, app.metrics, path).status)
    })
    req.on('data', (b: Buffer) => chunks.push(b))
    req.on('end', () => void handle(path, p, req, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), res))
    return true
  }
}
