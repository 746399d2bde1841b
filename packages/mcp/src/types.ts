// The seams of @faramesh/mcp. A Relay joins one MCP client (downstream) to one MCP server (upstream) and asks a
// GatePort about every tools/call. The wrapper and the HTTP gateway differ only in their transports and their
// GatePort: `sdkGate` (this package) talks to a gateway over HTTP through @faramesh/sdk; `createMcpGate` (in
// @faramesh/server) calls the gateway's own service in process. This package never imports the server.
import type { Action, ActionRequest } from '@faramesh/policy-core'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { RequestId } from '@modelcontextprotocol/sdk/types.js'

/** Where the action's agent_id came from; shown in the dashboard as context.mcp.agent_source. */
export type AgentSource = 'token' | 'flag' | 'client_info'

/** context.mcp of an MCP action. Holds no configuration: nothing here is secret. */
export interface McpContext {
  server: string
  /** The tool's annotations from the server's tools/list, untrusted hints; null when the tool never listed any. */
  annotations: Record<string, unknown> | null
  protocol_version: string | null
  agent_source: AgentSource
}

/** How a held or finished call ended, as reported to /v1/actions/{id}/result. */
export interface CallOutcome {
  success: boolean
  error?: string
  /** {mcp: {bytes, sha256, content_types, is_error, structured}}: a digest, never the content. */
  result?: Record<string, unknown>
}

/**
 * What a governed call needs from Faramesh. Every method fails closed: a throw means "do not run the call".
 * Implementations: sdkGate (HTTP, the wrapper) and createMcpGate (in process, the gateway).
 */
export interface GatePort {
  /** Submit one call as an action. The key makes a retried submit return the same action. */
  submit(request: ActionRequest, idempotencyKey: string): Promise<Action>
  /** Resolve when the action leaves pending_approval (approved, denied, timeout, …); reject on abort. */
  waitForDecision(actionId: string, signal: AbortSignal): Promise<Action>
  /** approved → executing (compare-and-set). 'closed' when someone else moved it first (withdrawn, expired). */
  start(actionId: string): Promise<'started' | 'closed'>
  /** Report the outcome; queued by callers after the answer went out, so never on the hot path. */
  report(actionId: string, outcome: CallOutcome): Promise<void>
  /** pending_approval → timeout {reason: 'withdrawn', detail}; 'too_late' when it was already decided. */
  withdraw(actionId: string, detail: string): Promise<'withdrawn' | 'too_late'>
  /** Which of these operations the policy denies for this agent whatever the params (hides them from tools/list). */
  deniedOperations(agentId: string, tool: string, operations: string[], context: Record<string, unknown>): Promise<string[]>
}

/** One upstream MCP server as FARAMESH_MCP_SERVERS (or the wrapper's command line) describes it, references resolved. */
export type ServerEntry = ServerSettings & (CommandUpstream | UrlUpstream)

export interface ServerSettings {
  /** ^[a-z0-9][a-z0-9_-]{0,62}$; the action's tool is `mcp:<name>`, the gateway path /mcp/<name>. */
  name: string
  /** Leave tools the policy denies outright out of tools/list (default true). */
  hideDeniedTools: boolean
  /** Pass the client's `roots` capability on (default: true in the wrapper, false in the gateway). */
  clientRoots: boolean
  /** Gate resources/read too, as operation "resources/read" with params {uri} (default false). */
  governResources: boolean
  /** How long a held call may wait for a person, in ms (default FARAMESH_ACTION_TIMEOUT). */
  callTimeoutMs?: number
}

export interface CommandUpstream {
  kind: 'command'
  command: string
  args: string[]
  /** The child's whole environment beyond the minimal base (PATH HOME LANG TZ): values resolved, secret. */
  env: Record<string, string>
  cwd?: string
}

export interface UrlUpstream {
  kind: 'url'
  url: string
  /** Sent to the upstream only; values resolved, secret. */
  headers: Record<string, string>
}

/** Who the relay acts for. agentId undefined: the MCP client's clientInfo.name (source 'client_info'). */
export interface RelayIdentity {
  agentId?: string
  source: AgentSource
}

export interface RelayOptions {
  /** The MCP client's side (our stdin/stdout, or one Streamable HTTP session). */
  downstream: Transport
  /** The MCP server's side (a child over stdio, or a Streamable HTTP client). */
  upstream: Transport
  server: ServerSettings
  gate: GatePort
  identity: RelayIdentity
  /** Dashboard base URL for the informational URL elicitation (`<publicUrl>/?action=<id>`); none → not sent. */
  publicUrl?: string
  /** Progress notification period while a call is held (default 5000 ms). */
  progressIntervalMs?: number
  /**
   * At most this many governed calls (submitted, held or forwarded) at once in this session (default 64): each held
   * call keeps a wait on the gateway open, so one client cannot hold an unbounded number. Beyond it: -32000.
   */
  maxGovernedCalls?: number
  /** One line per event worth an operator's attention; callers redact secrets before it reaches a log. */
  log?: (line: string) => void
  /**
   * Masks the upstream's secrets (FARAMESH_MCP_SERVERS values) in upstream error texts before they reach the client
   * or a report: an upstream may echo the credential it was sent ("invalid token Bearer …").
   */
  redact?: (text: string) => string
}

export interface RelayEnd {
  reason: 'downstream_closed' | 'upstream_exited' | 'upstream_bad_output' | 'closed'
  message: string
}

export interface Relay {
  start(): Promise<void>
  /** Withdraw held calls, answer pending client requests with an error, close both transports. */
  close(reason?: string): Promise<void>
  /** The client gave up on these requests without a cancel notification (an HTTP stream dropped). */
  abandon(requestIds: RequestId[], detail: string): void
  readonly ended: Promise<RelayEnd>
}

/** The caller as the gateway authenticated it (mirrors the server's Principal without importing it). */
export interface McpPrincipal {
  name: string
  role: 'agent' | 'approver' | 'auditor' | 'admin'
  kind: 'anonymous' | 'legacy' | 'scoped'
  agentId: string | null
}
