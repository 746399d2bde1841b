// governTools: the relay's governance for authors of their own MCP server (the original's govern_mcp_tool). Each
// given tool of an SDK McpServer is wrapped in place: the same action mapping (tool mcp:<server>, operation = the
// tool's name, params = its arguments), the same answers, the same hold with progress and the informational URL
// elicitation, and the same rule that nothing unapproved runs.
import { randomUUID } from 'node:crypto'
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { McpGateError } from '../errors.js'
import { actionRequestOf, agentOf } from '../gate/action-mapping.js'
import { elicitMessage, holdMessage, toolRefusal } from '../gate/answers.js'
import { gateCall } from '../gate/call-gate.js'
import { outcomeOfAnswer } from '../gate/result-digest.js'
import { clip } from '../jsonrpc/messages.js'
import { ProgressLine } from '../relay/progress.js'
import type { GatePort } from '../types.js'

export interface GovernToolsOptions {
  /** The name the actions carry as tool `mcp:<server>`. */
  server: string
  gate: GatePort
  /** The agent the calls are recorded for; default: the connected client's clientInfo.name. */
  agentId?: string
  /** Dashboard base URL for the informational URL elicitation while a call is held; none → not sent. */
  publicUrl?: string
  /** Progress period while held (default 5000 ms); only for calls that came with a progressToken. */
  progressIntervalMs?: number
  /** How long a call may wait for a person before it is withdrawn and answered "expired". */
  callTimeoutMs?: number
  log?: (line: string) => void
}

type Extra = {
  signal: AbortSignal
  requestId: string | number
  _meta?: { progressToken?: string | number }
  sendNotification: (n: { method: string; params?: Record<string, unknown> }) => Promise<void>
}
type Handler = (...a: unknown[]) => unknown

export function governTools(mcp: McpServer, tools: RegisteredTool[], o: GovernToolsOptions): void {
  const registry = (mcp as unknown as { _registeredTools: Record<string, RegisteredTool> })._registeredTools
  const relayId = randomUUID()
  let seq = 0
  for (const rt of tools) {
    const name = Object.keys(registry).find((k) => registry[k] === rt)
    if (name === undefined) throw new McpGateError('CONFIG_INVALID', 'governTools: a tool is not registered on this McpServer', { where: o.server })
    const original = rt.handler as unknown as Handler
    if ('createTask' in (original as object)) throw new McpGateError('CONFIG_INVALID', `governTools: task tool "${name}" cannot be governed (it would run detached from the hold)`, { where: name })
    const takesArgs = rt.inputSchema !== undefined
    const governed = async (...a: unknown[]): Promise<CallToolResult> => {
      const args = takesArgs ? ((a[0] ?? {}) as Record<string, unknown>) : {}
      const extra = (takesArgs ? a[1] : a[0]) as Extra
      const who = o.agentId ? { agentId: o.agentId, source: 'flag' as const } : agentOf({ source: 'client_info' }, mcp.server.getClientVersion()?.name)
      const request = actionRequestOf({ ...who, server: o.server, operation: name, params: args, annotations: (rt.annotations as Record<string, unknown> | undefined) ?? null, protocolVersion: null })
      const line = new ProgressLine()
      const token = extra._meta?.progressToken
      let stopHold = () => {}
      const verdict = await gateCall({
        gate: o.gate,
        request,
        idempotencyKey: `inproc:${relayId}:${++seq}`,
        signal: extra.signal,
        ...(o.callTimeoutMs !== undefined ? { callTimeoutMs: o.callTimeoutMs } : {}),
        onHold: (action) => (stopHold = hold(mcp, o, extra, line, action.id, name)),
        onHoldEnd: () => stopHold(),
        ...(o.log ? { log: o.log } : {}),
      })
      if (verdict.kind === 'refuse') return toolRefusal(verdict.refusal)
      // The client is gone; the SDK drops whatever we answer.
      if (verdict.kind === 'gave_up') return { content: [], isError: true }
      const actionId = verdict.action.id
      // The tool's own progress continues the line the hold started.
      const shifted: Extra = {
        ...extra,
        sendNotification: async (n) => {
          if (n.method !== 'notifications/progress' || line.ticked === 0 || n.params?.progressToken !== token) return extra.sendNotification(n)
          const v = line.shift(n.params as { progress: number; total?: number })
          if (v) await extra.sendNotification({ ...n, params: { ...n.params, ...v } })
        },
      }
      try {
        const result = (await (takesArgs ? original(args, shifted) : original(shifted))) as CallToolResult
        void o.gate.report(actionId, outcomeOfAnswer({ result: result as unknown as Record<string, unknown> })).catch((e: unknown) => o.log?.(`report failed: ${String(e)}`))
        return result
      } catch (e) {
        const message = clip(e instanceof Error ? e.message : String(e))
        void o.gate.report(actionId, { success: false, error: `the tool threw: ${message}` }).catch(() => undefined)
        throw e
      }
    }
    rt.update({ callback: governed })
  }
}

function hold(mcp: McpServer, o: GovernToolsOptions, extra: Extra, line: ProgressLine, actionId: string, operation: string): () => void {
  const token = extra._meta?.progressToken
  let timer: ReturnType<typeof setInterval> | undefined
  if (token !== undefined) {
    const tick = () =>
      void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: line.tick(), message: holdMessage(actionId) } }).catch(() => undefined)
    tick()
    timer = setInterval(tick, o.progressIntervalMs ?? 5000)
    timer.unref?.()
  }
  const base = o.publicUrl?.replace(/\/+$/, '')
  const caps = mcp.server.getClientCapabilities()?.elicitation as { url?: unknown } | undefined
  let complete: (() => Promise<void>) | undefined
  if (base && caps?.url) {
    const params = { mode: 'url' as const, elicitationId: actionId, url: `${base}/?action=${encodeURIComponent(actionId)}`, message: elicitMessage({ server: o.server, operation, actionId }) }
    // Informational: the answer is logged and ignored, and the call never waits for it.
    mcp.server.elicitInput(params, { relatedRequestId: extra.requestId }).then(
      (r) => o.log?.(`URL elicitation for action ${actionId} answered ${r.action}: ignored, it cannot approve`),
      () => undefined,
    )
    complete = mcp.server.createElicitationCompletionNotifier(actionId, { relatedRequestId: extra.requestId })
  }
  return () => {
    clearInterval(timer)
    void complete?.().catch(() => undefined)
  }
}
