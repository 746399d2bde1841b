// One governed request on the relay: a tools/call (or, opted in, a resources/read) becomes an action; it is answered
// with Faramesh's refusal, dropped because the client gave up, or forwarded exactly as submitted. The answer and
// its report are handled where the server's response arrives (relay.ts).
import { CallToolRequestParamsSchema, ReadResourceRequestParamsSchema, type JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js'
import { actionRequestOf, agentOf, RESOURCES_READ } from '../gate/action-mapping.js'
import { rpcRefusal, toolRefusal } from '../gate/answers.js'
import { GAVE_UP, gateCall } from '../gate/call-gate.js'
import { clip, idKey, rpcError, rpcResult, RPC } from '../jsonrpc/messages.js'
import { isUpstreamError } from '../transports/upstream-error.js'
import type { Pending, RelayContext } from './context.js'
import { startHold, type Hold } from './hold.js'
import { ProgressLine } from './progress.js'

type Obj = Record<string, unknown>
export const DEFAULT_MAX_GOVERNED_CALLS = 64
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v)

function progressTokenOf(params: unknown): string | number | undefined {
  const t = isObj(params) && isObj(params._meta) ? params._meta.progressToken : undefined
  return typeof t === 'string' || typeof t === 'number' ? t : undefined
}

export async function governRequest(ctx: RelayContext, msg: JSONRPCRequest, kind: 'tool' | 'resource'): Promise<void> {
  const id = msg.id
  const schema = kind === 'tool' ? CallToolRequestParamsSchema : ReadResourceRequestParamsSchema
  const parsed = schema.safeParse(msg.params)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? ` at params.${issue.path.join('.')}` : ''
    await ctx.down(rpcError(id, RPC.INVALID_PARAMS, `Invalid ${msg.method} params${where}: ${clip(issue?.message ?? 'invalid', 200)}`), id)
    return
  }
  if (ctx.closed) {
    await ctx.down(rpcError(id, RPC.INTERNAL_ERROR, 'Faramesh relay closing: the call was not submitted'), id)
    return
  }
  // Forwarded: what the action was decided on (the tool's name and arguments, or the uri) and _meta (progress), and
  // nothing else. Any other key would reach the server unseen by the policy, the approver and the ledger; `task`
  // would let the call run detached from the hold (without it the call runs synchronously).
  const limit = ctx.o.maxGovernedCalls ?? DEFAULT_MAX_GOVERNED_CALLS
  let inFlight = 0
  for (const q of ctx.pending.values()) if (q.call) inFlight += 1
  if (inFlight >= limit) {
    await ctx.down(rpcError(id, RPC.SERVER_ERROR, `Faramesh: ${limit} calls of this session are already waiting or running; this one was not submitted. Try again when one has finished.`), id)
    return
  }
  const sent = msg.params as Obj
  const params: Obj = {}
  for (const k of kind === 'tool' ? ['name', 'arguments', '_meta'] : ['uri', '_meta']) if (sent[k] !== undefined) params[k] = sent[k]
  const forwarded: JSONRPCRequest = { ...msg, params }
  const operation = kind === 'tool' ? String(params.name) : RESOURCES_READ
  const args: Obj = kind === 'tool' ? (isObj(params.arguments) ? params.arguments : {}) : { uri: params.uri }

  const p: Pending = { id, method: msg.method, progressToken: progressTokenOf(msg.params) }
  p.call = { kind, abort: new AbortController(), line: new ProgressLine(), forwarded: false, cancelled: false }
  const key = idKey(id)
  ctx.pending.set(key, p)
  ctx.routeProgress(p)
  if (kind === 'tool' && !ctx.catalog.has(operation)) await ctx.ensureCatalog()
  const { server, gate, identity } = ctx.o
  const who = agentOf(identity, ctx.session.clientName)
  const request = actionRequestOf({
    agentId: who.agentId,
    source: who.source,
    server: server.name,
    operation,
    params: args,
    annotations: kind === 'tool' ? ctx.catalog.annotationsOf(operation) : null,
    protocolVersion: ctx.session.protocolVersion,
  })
  let hold: Hold | undefined
  const verdict = await gateCall({
    gate,
    request,
    idempotencyKey: ctx.nextKey(),
    signal: p.call.abort.signal,
    ...(server.callTimeoutMs !== undefined ? { callTimeoutMs: server.callTimeoutMs } : {}),
    onHold: (a) => (hold = startHold(ctx, p, a, operation)),
    onHoldEnd: () => hold?.stop(),
    log: (l) => ctx.log(l),
  })
  const mine = ctx.pending.get(key) === p
  if (verdict.kind === 'run' && (!mine || p.call.abort.signal.aborted)) {
    // The client left (or the relay closed) between the decision and now: it must not run.
    ctx.track(gate.report(verdict.action.id, { success: false, error: GAVE_UP }))
    if (mine) ctx.forget(p)
    return
  }
  if (!mine || verdict.kind === 'gave_up') return
  if (verdict.kind === 'refuse') {
    ctx.forget(p)
    await ctx.down(kind === 'tool' ? rpcResult(id, toolRefusal(verdict.refusal)) : rpcRefusal(id, verdict.refusal), id)
    return
  }
  p.call.actionId = verdict.action.id
  p.call.forwarded = true
  try {
    await ctx.up(forwarded)
  } catch (e) {
    const why = clip(ctx.redact(e instanceof Error ? e.message : String(e)), 300)
    if (ctx.pending.get(key) === p) ctx.forget(p)
    // Only a refusal before anything was written proves the server never saw the call: a child transport whose
    // process is not running, or a closed relay. The SDK's HTTP client also throws after the server got the request
    // (an HTTP error status such as a proxy's 504, a body cut off or unparsable): whether it ran is then unknown.
    if (ctx.closed || isUpstreamError(e)) {
      ctx.track(gate.report(verdict.action.id, { success: false, error: `not executed: the upstream server did not take the call (${why})` }))
      await ctx.down(rpcError(id, RPC.INTERNAL_ERROR, `upstream server '${server.name}' did not take the call: ${why}`), id)
      return
    }
    ctx.track(gate.report(verdict.action.id, { success: false, error: `outcome unknown: the upstream server failed on the call (${why})` }))
    await ctx.down(rpcError(id, RPC.INTERNAL_ERROR, `upstream server '${server.name}' failed on the call; whether it ran is unknown: ${why}`), id)
  }
}
