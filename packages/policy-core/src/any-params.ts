// deniedForAnyParams: would the policy deny this request whatever its params are? The MCP relay asks it for every
// tool of a tools/list page (POST /v1/gate/operations) to leave out the tools an agent can never call. It walks the
// rules in first-match order and runs only the conditions that do not read params (tool, operation, agent_id,
// mcp_hint): a rule that holds without params decides; a deny rule that needs params may or may not catch a call,
// so the walk goes on; any other rule that needs params lets some call through, so the answer is no. Nothing here
// can say "denied" for a request some params would get past the policy; the profile and risk steps only tighten.
import type { CompiledRule, Policy } from './policy.js'
import { prepareRequest } from './prepared-request.js'

function candidates(policy: Policy, tool: unknown): CompiledRule[] {
  const own = typeof tool === 'string' ? policy.index.byTool.get(tool) : undefined
  if (own === undefined) return [...policy.index.anyTool]
  return [...own, ...policy.index.anyTool].sort((a, b) => a.index - b.index)
}

/**
 * True when every params would be denied by the policy (first match or no match) for this agent, tool, operation and
 * context. A request's own `params`, if given, are ignored: the answer is about all of them.
 */
export function deniedForAnyParams(
  policy: Policy,
  request: { agent_id?: unknown; tool: unknown; operation: unknown; context?: unknown; params?: unknown },
): boolean {
  const p = prepareRequest({ ...request, params: {} })
  for (const rule of candidates(policy, p.tool)) {
    let needsParams = false
    let fails = false
    for (const c of rule.conditions) {
      if (c.scope === 'params') needsParams = true
      else if (!c.test(p)) {
        fails = true
        break
      }
    }
    if (fails) continue
    if (!needsParams) return rule.effect === 'deny'
    if (rule.effect !== 'deny') return false
  }
  return true
}
