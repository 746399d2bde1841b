// The message-level relay (design §2): one MCP client (downstream) to one MCP server (upstream). Every message passes
// verbatim (ids, _meta, progress tokens), except where Faramesh must step in: initialize (clamp, capabilities),
// tools/call (the gate), tools/list results (catalog, hiding), cancellations of held calls, and the relay's own
// messages (hold progress, the URL elicitation). Nothing is left hanging: a request the server will never answer
// gets a JSON-RPC error, a held call the client gave up on is withdrawn.
import { randomUUID } from 'node:crypto'
import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResultResponse,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js'
import { McpGateError } from '../errors.js'
import { clip, idKey, rpcError, RPC } from '../jsonrpc/messages.js'
import type { GatePort, Relay, RelayEnd, RelayOptions } from '../types.js'
import type { Pending, RelayContext } from './context.js'
import type { ClientSession } from './initialize.js'
import { ToolCatalog } from './tool-catalog.js'
import { onDownstream, onUpstream } from './routing.js'

/** How long close() waits for withdrawals and reports still in flight. */
const FLUSH_MS = 2000
/** How long a call cancelled after forwarding waits for a late answer before it is reported "outcome unknown". */
export const CANCEL_GRACE_MS = 2000

/** The gate with every reported error text redacted. */
function redactingGate(gate: GatePort, redact: (text: string) => string): GatePort {
  return {
    submit: gate.submit.bind(gate),
    waitForDecision: gate.waitForDecision.bind(gate),
    start: gate.start.bind(gate),
    withdraw: gate.withdraw.bind(gate),
    deniedOperations: gate.deniedOperations.bind(gate),
    report: (actionId, outcome) => gate.report(actionId, outcome.error === undefined ? outcome : { ...outcome, error: redact(outcome.error) }),
  }
}

export function createRelay(options: RelayOptions): Relay {
  return new McpRelay(options)
}

class McpRelay implements Relay, RelayContext {
  readonly session: ClientSession = { clientCapabilities: {}, protocolVersion: null }
  readonly catalog = new ToolCatalog()
  readonly pending = new Map<string, Pending>()
  /** progressToken (as JSON) → the request it belongs to, for offsets and relatedRequestId. */
  readonly progress = new Map<string, Pending>()
  /** Server→client requests in flight → the client request they were related to (HTTP stream routing). */
  readonly serverRequests = new Map<string, RequestId | undefined>()
  /** The relay's own requests to the client (the URL elicitation) → what to do with the answer. */
  readonly own = new Map<string, (answer: unknown) => void>()
  /** The relay's own requests to the server (its tools/list) → their waiters. */
  readonly ownUp = new Map<string, (answer: JSONRPCResultResponse | JSONRPCErrorResponse | undefined) => void>()
  readonly ended: Promise<RelayEnd>
  private resolveEnd!: (e: RelayEnd) => void
  private done = false
  get closed(): boolean {
    return this.done
  }
  private readonly id = randomUUID()
  private seq = 0
  private readonly inflight = new Set<Promise<unknown>>()
  private lastUpstreamError: Error | undefined

  readonly o: RelayOptions

  constructor(options: RelayOptions) {
    this.ended = new Promise((r) => (this.resolveEnd = r))
    // Every report passes here: an upstream's error text (a JSON-RPC error, a refused POST) may echo its credential,
    // and the ledger, the dashboard and the agent's own GET /v1/actions/{id} must never show it.
    this.o = options.redact ? { ...options, gate: redactingGate(options.gate, options.redact) } : options
  }

  redact(text: string): string {
    try {
      return this.o.redact ? this.o.redact(text) : text
    } catch {
      return text
    }
  }

  log(line: string): void {
    try {
      this.o.log?.(line)
    } catch {
      // A logger must never break the relay.
    }
  }

  nextKey(): string {
    return `mcp:${this.id}:${++this.seq}`
  }

  async start(): Promise<void> {
    const { downstream, upstream } = this.o
    upstream.onmessage = (m) => this.run(onUpstream(this, m))
    upstream.onerror = (e) => {
      this.lastUpstreamError = e
      this.log(`upstream '${this.o.server.name}': ${clip(e.message, 300)}`)
    }
    upstream.onclose = () => this.upstreamClosed()
    downstream.onmessage = (m) => this.run(onDownstream(this, m))
    downstream.onerror = (e) => this.log(`client: ${clip(e.message, 300)}`)
    downstream.onclose = () => void this.finish('downstream_closed', 'the MCP client disconnected', null)
    await upstream.start()
    await downstream.start()
  }

  private run(p: Promise<void>): void {
    p.catch((e: unknown) => this.log(`relay error: ${e instanceof Error ? e.message : String(e)}`))
  }

  async down(msg: JSONRPCMessage, related?: RequestId): Promise<boolean> {
    try {
      await this.o.downstream.send(msg, related === undefined ? undefined : { relatedRequestId: related })
      return true
    } catch (e) {
      this.log(`could not send to the MCP client: ${e instanceof Error ? e.message : String(e)}`)
      return false
    }
  }

  async up(msg: JSONRPCMessage): Promise<void> {
    if (this.done) throw new Error('the relay is closed')
    await this.o.upstream.send(msg)
  }

  requestDown(method: string, params: Record<string, unknown>, related: RequestId, onAnswer: (answer: unknown) => void): void {
    const id = `faramesh:${this.id}:${++this.seq}`
    this.own.set(idKey(id), onAnswer)
    const req: JSONRPCRequest = { jsonrpc: '2.0', id, method, params }
    void this.down(req, related).then((ok) => ok || this.own.delete(idKey(id)))
  }

  /** A request of the relay's own to the server; undefined when it did not answer within `ms`. */
  requestUp(method: string, params: Record<string, unknown>, ms: number): Promise<JSONRPCResultResponse | JSONRPCErrorResponse | undefined> {
    const id = `faramesh:${this.id}:${++this.seq}`
    const key = idKey(id)
    return new Promise((resolve) => {
      const t = setTimeout(() => settle(undefined), ms)
      const settle = (a: JSONRPCResultResponse | JSONRPCErrorResponse | undefined) => {
        clearTimeout(t)
        this.ownUp.delete(key)
        resolve(a)
      }
      this.ownUp.set(key, settle)
      this.up({ jsonrpc: '2.0', id, method, params }).catch(() => settle(undefined))
    })
  }

  ensureCatalog(): Promise<void> {
    if (this.session.protocolVersion === null) return Promise.resolve()
    return this.catalog.ensure((method, params, ms) => this.requestUp(method, params, ms), (l) => this.log(l))
  }

  track(p: Promise<unknown>): void {
    const q = p.catch((e: unknown) => this.log(`Faramesh call failed: ${e instanceof Error ? e.message : String(e)}`))
    this.inflight.add(q)
    void q.finally(() => this.inflight.delete(q))
  }

  routeProgress(p: Pending): void {
    if (p.progressToken !== undefined) this.progress.set(idKey(p.progressToken), p)
  }

  forget(p: Pending): void {
    const key = idKey(p.id)
    if (this.pending.get(key) === p) this.pending.delete(key)
    if (p.progressToken !== undefined && this.progress.get(idKey(p.progressToken)) === p) this.progress.delete(idKey(p.progressToken))
    if (p.call?.grace) clearTimeout(p.call.grace)
  }

  /** The client gave up on `p`: withdraw it if still held, else pass a cancel to the server. */
  giveUp(p: Pending, detail: string, cancel?: JSONRPCNotification): void {
    const call = p.call
    if (call && !call.forwarded) {
      // The server never saw it: no cancel goes there, and the gate withdraws the action.
      this.forget(p)
      call.abort.abort(new Error(detail))
      return
    }
    void this.up(cancel ?? { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: p.id, reason: detail } }).catch((e: unknown) =>
      this.log(`could not pass a cancel to the server: ${e instanceof Error ? e.message : String(e)}`),
    )
    if (!call?.actionId) return this.forget(p)
    call.cancelled = true
    const actionId = call.actionId
    call.grace = setTimeout(() => {
      if (this.pending.get(idKey(p.id)) !== p) return
      this.forget(p)
      this.track(this.o.gate.report(actionId, { success: false, error: 'cancelled by the MCP client after forwarding; outcome unknown' }))
    }, CANCEL_GRACE_MS)
    call.grace.unref?.()
  }

  abandon(requestIds: RequestId[], detail: string): void {
    for (const id of requestIds) {
      const p = this.pending.get(idKey(id))
      if (p) this.giveUp(p, `MCP client gave up: ${detail}`)
    }
  }

  private upstreamClosed(): void {
    const e = this.lastUpstreamError
    const bad = e instanceof McpGateError && e.code === 'UPSTREAM_BAD_OUTPUT'
    const message =
      e instanceof McpGateError && (bad || e.code === 'UPSTREAM_EXITED') ? e.message : `upstream server '${this.o.server.name}' closed the connection`
    void this.finish(bad ? 'upstream_bad_output' : 'upstream_exited', message, `${message} before answering`)
  }

  /**
   * End the session once: withdraw held calls, answer what the server will never answer (when the client is still
   * there), report forwarded calls as failed with an unknown outcome, close both sides.
   */
  private async finish(reason: RelayEnd['reason'], message: string, answer: string | null): Promise<void> {
    if (this.done) return
    this.done = true
    for (const p of [...this.pending.values()]) {
      this.forget(p)
      const call = p.call
      if (call && !call.forwarded) call.abort.abort(new Error(message))
      else if (call?.actionId) this.track(this.o.gate.report(call.actionId, { success: false, error: `outcome unknown: ${message}` }))
      if (answer !== null && !call?.cancelled) await this.down(rpcError(p.id, RPC.INTERNAL_ERROR, answer), p.id)
    }
    this.progress.clear()
    this.serverRequests.clear()
    this.own.clear()
    for (const settle of [...this.ownUp.values()]) settle(undefined)
    this.log(`session ended (${reason}): ${message}`)
    await Promise.allSettled([this.o.downstream.close(), this.o.upstream.close()])
    // `ended` means settled: held calls withdrawn and reports sent (or the flush bound passed).
    await this.flush()
    this.resolveEnd({ reason, message })
  }

  async close(reason = 'the relay was closed'): Promise<void> {
    await this.finish('closed', reason, `Faramesh relay closing: ${reason}`)
    await this.ended
  }

  /** Wait (bounded) for withdrawals and reports still in flight, e.g. before a wrapper exits. */
  async flush(ms = FLUSH_MS): Promise<void> {
    const deadline = Date.now() + ms
    // Again while something is left: a withdrawal that lost its race queues a report of its own.
    while (this.inflight.size > 0 && Date.now() < deadline) {
      let t: ReturnType<typeof setTimeout> | undefined
      await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => (t = setTimeout(r, deadline - Date.now())))])
      clearTimeout(t)
    }
  }
}
