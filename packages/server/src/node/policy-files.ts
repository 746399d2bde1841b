// Policy and profile from disk, as a PolicySource that can reload: a failed reload keeps the previous snapshot,
// is logged with file/line/reason, and counted in faramesh_policy_reloads_total{result="failure"}.
import { existsSync } from 'node:fs'
import { parsePolicy, PolicyError, type Profile } from '@faramesh/policy-core'
import { loadPolicyFile, loadProfileFile, watchPolicyFile } from '@faramesh/policy-core/node'
import { ApiError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { PolicySnapshot, PolicySource, ReloadResult } from '../policy-source.js'

export interface FilePolicyOptions {
  policyFile: string
  policyPath: string
  profilePath: string | null
  policyVersion: string | null
  logger: Logger
  metrics: Metrics
}

/** "file:line:col: message" for each problem of a PolicyError, so an operator can jump to it. */
export function describePolicyError(err: unknown, file: string): string {
  if (err instanceof PolicyError) {
    const text = err.format()
    return err.source ? text : `${file}: ${text}`
  }
  return `${file}: ${err instanceof Error ? err.message : String(err)}`
}

async function loadProfile(path: string | null): Promise<{ profile: Profile | null; profileError: string | null }> {
  if (!path) return { profile: null, profileError: null }
  if (!existsSync(path)) return { profile: null, profileError: `profile file not found: ${path}` }
  try {
    return { profile: loadProfileFile(path).profile, profileError: null }
  } catch (err) {
    return { profile: null, profileError: describePolicyError(err, path) }
  }
}

async function readSnapshot(o: FilePolicyOptions): Promise<PolicySnapshot> {
  const exists = existsSync(o.policyPath)
  const policy = exists ? loadPolicyFile(o.policyPath).policy : parsePolicy('rules: []\n', { source: o.policyFile })
  return {
    policy,
    ...(await loadProfile(o.profilePath)),
    policyVersion: o.policyVersion,
    policyFile: o.policyFile,
    policyPath: o.policyPath,
    exists,
    loadedAt: new Date().toISOString(),
  }
}

export interface FilePolicySource extends PolicySource {
  reload(): Promise<ReloadResult>
  /** Start watching the file (FARAMESH_HOT_RELOAD). */
  watch(): void
  close(): void
}

/** Load once; an invalid policy at startup is an ApiError POLICY_INVALID whose message lists every problem. */
export async function openFilePolicySource(o: FilePolicyOptions): Promise<FilePolicySource> {
  let snap: PolicySnapshot
  try {
    snap = await readSnapshot(o)
  } catch (err) {
    throw new ApiError('POLICY_INVALID', `Invalid policy file:\n${describePolicyError(err, o.policyPath)}`, { where: o.policyPath, cause: err })
  }
  if (!snap.exists) o.logger.warn('policy file not found: every request is denied', { policy_path: o.policyPath })
  if (snap.profileError) o.logger.error('profile could not be loaded: every request halts', { error: snap.profileError })
  let watcher: { close(): void } | null = null

  const source: FilePolicySource = {
    current: () => snap,
    async reload() {
      try {
        snap = await readSnapshot(o)
        o.metrics.policyReloads.inc({ result: 'success' })
        o.logger.info('policy reloaded', { policy_hash: snap.policy.hash })
        return { ok: true, snapshot: snap }
      } catch (err) {
        const error = describePolicyError(err, o.policyPath)
        o.metrics.policyReloads.inc({ result: 'failure' })
        o.logger.error('policy reload failed, previous policy kept', { error })
        return { ok: false, error, snapshot: snap }
      }
    },
    watch() {
      if (watcher) return
      // The watcher tells us the file changed; reload() re-reads policy and profile together and does the
      // keep-last-valid bookkeeping in one place.
      watcher = watchPolicyFile(o.policyPath, {
        onReload: () => void source.reload(),
        onError: () => void source.reload(),
      })
    },
    close() {
      watcher?.close()
      watcher = null
    },
  }
  return source
}
