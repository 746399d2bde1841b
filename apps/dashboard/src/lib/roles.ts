// What each role may do in the UI, per CONTRACT.md § Auth and roles. The gateway enforces it anyway; the UI only
// avoids offering buttons that would answer 403.
import type { Role } from '@faramesh/policy-core'

export interface Principal {
  name: string
  role: Role
}

const ROLES: readonly Role[] = ['agent', 'approver', 'auditor', 'admin']

export function canDecide(role: Role | null | undefined): boolean {
  return role === 'approver' || role === 'admin'
}

export function canStream(role: Role | null | undefined): boolean {
  return role === 'approver' || role === 'auditor' || role === 'admin'
}

/** Validate GET /v1/auth/whoami's answer; anything else is a bad response, not a guess. */
export function parsePrincipal(value: unknown): Principal | null {
  if (!value || typeof value !== 'object') return null
  const { name, role } = value as { name?: unknown; role?: unknown }
  if (typeof name !== 'string' || typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) return null
  return { name, role: role as Role }
}
