// Who the wrapper submits as (design §3, §6.2): GET /v1/auth/whoami before anything starts. A token bound to an agent
// is that agent, and --agent may only repeat it; approver and auditor tokens cannot submit at all, so they are refused
// here with a clear line instead of a denial on every call.
import { OperatorClient } from '@faramesh/sdk/operator'
import type { RelayIdentity } from '../types.js'
import { WrapError } from './wrap-error.js'

export interface WrapIdentity extends RelayIdentity {
  role: string
  /** The principal's name as the gateway knows it (token name, "admin", "anonymous"). */
  principal: string
}

const NOT_RUNNING = 'Is the gateway running? Start it with `faramesh serve`, or point FARAMESH_BASE_URL (or --gateway) at it.'

function statusOf(err: unknown): number | null {
  const e = err as { statusCode?: unknown; status?: unknown }
  return typeof e.statusCode === 'number' ? e.statusCode : typeof e.status === 'number' ? e.status : null
}

export async function checkIdentity(o: { baseUrl: string; token: string | undefined; agent: string | undefined; fetch?: typeof fetch }): Promise<WrapIdentity> {
  const client = new OperatorClient({
    baseUrl: o.baseUrl,
    ...(o.token ? { token: o.token } : {}),
    maxRetries: 0,
    timeoutMs: 5000,
    failMode: 'failClosed',
    sse: false,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  })
  let who: { name?: unknown; role?: unknown; agent_id?: unknown }
  try {
    who = (await client.whoami({ timeoutMs: 5000 }))
  } catch (err) {
    const status = statusOf(err)
    if (status === 401) throw new WrapError('UNAUTHORIZED', `The gateway at ${o.baseUrl} refused the token (401).`, 'Pass --token or set FARAMESH_TOKEN to an agent token.')
    if (status !== null && status < 500) throw new WrapError('CONNECTION', `The gateway at ${o.baseUrl} answered ${status} to /v1/auth/whoami.`, NOT_RUNNING)
    throw new WrapError('CONNECTION', `Cannot reach the Faramesh gateway at ${o.baseUrl} (${(err as Error).message}).`, NOT_RUNNING)
  }
  const role = typeof who.role === 'string' ? who.role : ''
  const principal = typeof who.name === 'string' ? who.name : ''
  const tokenAgent = typeof who.agent_id === 'string' && who.agent_id !== '' ? who.agent_id : null
  if (role !== 'agent' && role !== 'admin') {
    throw new WrapError('FORBIDDEN', `A token of role ${role || 'unknown'} cannot submit actions: faramesh mcp wrap needs an agent token.`, 'Create one with `faramesh token create --role agent --name <name> --agent <id>`.')
  }
  if (tokenAgent !== null) {
    if (o.agent !== undefined && o.agent !== tokenAgent) {
      throw new WrapError('FORBIDDEN', `The token belongs to agent ${tokenAgent}; it cannot act as ${o.agent} (--agent / FARAMESH_AGENT_ID).`)
    }
    return { agentId: tokenAgent, source: 'token', role, principal }
  }
  if (o.agent !== undefined) return { agentId: o.agent, source: 'flag', role, principal }
  return { source: 'client_info', role, principal }
}
