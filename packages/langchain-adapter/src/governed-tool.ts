// GovernedTool: any @langchain/core tool behind the Faramesh gate. The model sees the same name, description
// and schema; each call is submitted, waits for a human when the policy asks, runs only when allowed or
// approved, and its outcome is reported. A denial comes back as a tool message the model can read (or as an
// exception, by option), so the agent can explain or choose another path instead of crashing.
import type { CallbackManagerForToolRun } from '@langchain/core/callbacks/manager'
import { StructuredTool, type StructuredToolInterface, type ToolRunnableConfig } from '@langchain/core/tools'
import {
  FarameshApprovalTimeoutError,
  FarameshDeniedError,
  withGate,
  type ExecutionGovernorClient,
  type FarameshError,
} from '@faramesh/sdk'

export interface GovernOptions {
  /** The client to use (default: the SDK's default client, set by `configure()` or the environment). */
  client?: ExecutionGovernorClient
  /** Agent id recorded on each action (default: the client's `agentId`). */
  agentId?: string
  /** `agent_id` as the seed's Python wrapper spelled it. */
  agent_id?: string
  /** The action's `tool` as policies see it (default: the LangChain tool's name). */
  toolName?: string
  /** The action's `operation` (default `invoke`). */
  operation?: string
  /** Map the tool input to the action's params (default: the input object, or `{input}` for a string). */
  toParams?: (input: unknown) => Record<string, unknown>
  /** Extra context sent with every action. */
  context?: Record<string, unknown>
  /** `message` (default): a denial is returned as the tool's output; `throw`: the Faramesh error is thrown. */
  onDeny?: 'message' | 'throw'
  /** How the denial reads to the model. */
  denialMessage?: (error: FarameshError) => string
  /** How long to wait for a human decision (default 300000). */
  approvalTimeoutMs?: number
  pollIntervalMs?: number
}

export interface GovernedToolFields extends GovernOptions {
  tool: StructuredToolInterface
}

function defaultParams(input: unknown): Record<string, unknown> {
  if (input && typeof input === 'object' && !Array.isArray(input)) return { ...(input as Record<string, unknown>) }
  return { input }
}

function defaultDenial(e: FarameshError): string {
  const a = e.action
  const what = a ? `${a.tool}.${a.operation}` : 'this action'
  if (e instanceof FarameshApprovalTimeoutError) return `Faramesh: ${what} was not approved in time, so it did not run. ${e.message}`
  return `Faramesh denied ${what}, so it did not run. ${e.message}. Do not retry the same call; explain or try something else.`
}

export class GovernedTool extends StructuredTool {
  static lc_name(): string {
    return 'GovernedTool'
  }

  name: string
  description: string
  schema: StructuredToolInterface['schema']
  /** The wrapped tool. */
  readonly tool: StructuredToolInterface
  readonly options: GovernOptions

  constructor(fields: GovernedToolFields) {
    const { tool, ...options } = fields
    super({ verboseParsingErrors: true })
    this.tool = tool
    this.options = options
    this.name = tool.name
    this.description = tool.description
    this.schema = tool.schema
    this.returnDirect = tool.returnDirect
  }

  // A string-input tool (DynamicTool, Tool) may be called with a bare string; its schema expects {input}.
  override call(arg: any, configArg?: any, tags?: string[]): Promise<any> {
    return super.call(typeof arg === 'string' ? { input: arg } : arg, configArg, tags)
  }

  /** The action this input becomes (what the policy evaluates). */
  actionFor(input: unknown) {
    const o = this.options
    return {
      agent_id: o.agentId ?? o.agent_id,
      tool: o.toolName ?? this.tool.name,
      operation: o.operation ?? 'invoke',
      params: (o.toParams ?? defaultParams)(input),
      context: { ...o.context, langchain_tool: this.tool.name },
    }
  }

  protected async _call(input: unknown, runManager?: CallbackManagerForToolRun, parentConfig?: ToolRunnableConfig): Promise<unknown> {
    const o = this.options
    // Without `toolCall`: the wrapped tool must return its raw output; this tool makes the ToolMessage.
    const { toolCall: _own, ...config } = parentConfig ?? {}
    const run = () => this.tool.invoke(input as never, { ...config, callbacks: runManager?.getChild() })
    const gate = { approvalTimeoutMs: o.approvalTimeoutMs, pollIntervalMs: o.pollIntervalMs, signal: parentConfig?.signal }
    const request = this.actionFor(input)
    try {
      return o.client ? await o.client.withGate(request, run, gate) : await withGate(request, run, gate)
    } catch (e) {
      const denied = e instanceof FarameshDeniedError || e instanceof FarameshApprovalTimeoutError
      if (!denied || o.onDeny === 'throw') throw e
      return (o.denialMessage ?? defaultDenial)(e)
    }
  }
}

/** Wrap every tool; `perTool` overrides options by tool name (e.g. a different action name or operation). */
export function governTools(
  tools: StructuredToolInterface[],
  options: GovernOptions & { perTool?: Record<string, GovernOptions> } = {},
): GovernedTool[] {
  const { perTool, ...common } = options
  return tools.map((tool) => new GovernedTool({ ...common, ...perTool?.[tool.name], tool }))
}

