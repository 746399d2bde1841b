// The seed policy (policies/default.yaml: the seed's examples combined) over a mix of requests, and the same policy
// written in Cedar. Cedar has no first-match or require_approval, so the translation uses forbid-overrides-permit
// for the deny rule, `unless` for rule order, and marks the approval rules by id: a permit decided by an
// approve-* policy means require_approval. The bench checks both give identical decisions before timing.

export interface MixRequest {
  agent_id: string
  tool: string
  operation: string
  params: Record<string, unknown>
  context: Record<string, unknown>
}

const req = (tool: string, operation: string, params: Record<string, unknown> = {}): MixRequest => ({
  agent_id: 'demo-agent',
  tool,
  operation,
  params,
  context: {},
})

export const SEED_MIX: MixRequest[] = [
  req('http', 'get', { url: 'https://api.example.com/items?page=2' }),
  req('http', 'post', { url: 'https://api.example.com/items', body: { name: 'x' } }),
  req('shell', 'run', { cmd: 'ls -la /var/log' }),
  req('shell', 'run', { cmd: 'rm -rf /tmp/build' }),
  req('shell', 'run', { cmd: 'sudo reboot' }),
  req('stripe', 'refund', { amount: 1500, currency: 'usd', charge: 'ch_1' }),
  req('stripe', 'refund', { amount: 200, currency: 'usd', charge: 'ch_2' }),
  req('stripe', 'charge', { amount: 5, currency: 'usd' }),
  req('github', 'push', { branch: 'main' }),
  req('http', 'get', { url: 'https://status.example.com' }),
]

export const CEDAR_POLICIES: Record<string, string> = {
  'deny-destructive': `forbid(principal, action, resource == Tool::"shell") when {
    context.cmd like "*rm -rf*" || context.cmd like "*shutdown*" || context.cmd like "*reboot*" || context.cmd like "*mkfs*" };`,
  'allow-http-get': `permit(principal, action == Action::"get", resource == Tool::"http");`,
  'approve-shell': `permit(principal, action, resource == Tool::"shell");`,
  'approve-large-refund': `permit(principal, action == Action::"refund", resource == Tool::"stripe") when { context.amount > 1000 };`,
  'allow-refund': `permit(principal, action == Action::"refund", resource == Tool::"stripe") unless { context.amount > 1000 };`,
}

/** The Cedar request for one of ours: tool → resource, operation → action, the params the rules read → context. */
export function cedarCall(r: MixRequest, policySetId: string) {
  const cmd = typeof r.params.cmd === 'string' ? r.params.cmd : ''
  const amount = typeof r.params.amount === 'number' ? r.params.amount : 0
  return {
    principal: { type: 'Agent', id: r.agent_id },
    action: { type: 'Action', id: r.operation },
    resource: { type: 'Tool', id: r.tool },
    context: { cmd, amount },
    preparsedPolicySetId: policySetId,
    entities: [],
  }
}

export function cedarDecision(answer: { type: string; response?: { decision: string; diagnostics: { reason: string[] } } }): string {
  if (answer.type !== 'success' || !answer.response) throw new Error(`Cedar failed: ${JSON.stringify(answer)}`)
  const { decision, diagnostics } = answer.response
  if (decision === 'deny') return 'deny'
  return diagnostics.reason.some((id) => id.startsWith('approve-')) ? 'require_approval' : 'allow'
}
