// Where the current policy comes from. The app only ever asks `current()`; the node layer swaps snapshots in on
// hot reload, so a request sees one consistent policy + profile pair from start to end.
import type { Policy, Profile } from '@faramesh/policy-core'
import type { DecideDeps } from '@faramesh/decision'

export interface PolicySnapshot extends DecideDeps {
  policy: Policy
  profile: Profile | null
  profileError: string | null
  /** As configured (relative or absolute) and resolved. */
  policyFile: string
  policyPath: string
  exists: boolean
  loadedAt: string
}

export interface ReloadResult {
  ok: boolean
  error?: string
  /** Which file failed (the other one may have been reloaded: see policyReloaded). */
  failed?: 'policy' | 'profile'
  /** With `failed: 'profile'`: the policy file itself loaded a new policy, which is in force. */
  policyReloaded?: boolean
  snapshot: PolicySnapshot
}

export interface PolicySource {
  current(): PolicySnapshot
  /** The files as they are now: whether the policy file exists, and why a reload failed (null when none did). */
  status?(): { exists: boolean; reloadError: string | null }
  /** Re-read from disk; on failure the previous snapshot stays in force. */
  reload?(): Promise<ReloadResult>
}

export function staticPolicySource(
  policy: Policy,
  opts: Partial<Omit<PolicySnapshot, 'policy'>> = {},
): PolicySource {
  const snap: PolicySnapshot = {
    policy,
    profile: opts.profile ?? null,
    profileError: opts.profileError ?? null,
    policyVersion: opts.policyVersion ?? null,
    policyFile: opts.policyFile ?? policy.source ?? 'inline',
    policyPath: opts.policyPath ?? policy.source ?? 'inline',
    exists: opts.exists ?? true,
    loadedAt: opts.loadedAt ?? new Date().toISOString(),
  }
  return { current: () => snap }
}
