// The four roles a scoped token can have and what each may do (CONTRACT.md § Auth). Kept apart from auth.ts so the
// CLI can check a role without loading the gateway (it imports this through @faramesh/server/tokens).
import type { Role } from '@faramesh/policy-core'
import { forbidden } from './errors.js'

export const ROLES: readonly Role[] = ['agent', 'approver', 'auditor', 'admin']

export interface Principal {
  name: string
  role: Role
  kind: 'anonymous' | 'legacy' | 'scoped'
  /**
   * The one agent an `agent` token acts for (its submits and decides carry this agent_id); null for callers that may
   * act for any agent (admin, the single FARAMESH_TOKEN, open loopback mode) or for none (approver, auditor).
   */
  agentId: string | null
}

export type Permission =
  | 'submit'
  | 'decide'
  | 'read'
  | 'read_all'
  | 'approve'
  | 'execute'
  | 'stream'
  | 'audit'
  | 'metrics'
  | 'admin'

const GRANTS: Record<Role, ReadonlySet<Permission>> = {
  agent: new Set(['submit', 'decide', 'read', 'execute']),
  approver: new Set(['read', 'read_all', 'approve', 'stream']),
  auditor: new Set(['read', 'read_all', 'stream', 'audit', 'metrics']),
  admin: new Set(['submit', 'decide', 'read', 'read_all', 'approve', 'execute', 'stream', 'audit', 'metrics', 'admin']),
}

export const can = (p: Principal, perm: Permission): boolean => GRANTS[p.role].has(perm)

export function requirePermission(p: Principal, perm: Permission): void {
  if (!can(p, perm)) throw forbidden(`Role ${p.role} may not ${perm.replace('_', ' ')}`)
}
