// Policy and profile from disk, as a PolicySource that can reload. Both files are watched files
// (@faramesh/policy-core/node openWatchedFile): a deleted, unreadable or invalid file is a failed reload that keeps
// the previous snapshot, is logged with file/line/reason, counted in faramesh_policy_reloads_total{result="failure"}
// and shown in /v1/policy/info; the file is taken again when it is valid again, even with the same bytes.
import { existsSync } from 'node:fs'
import { parsePolicy, parseProfile, PolicyError, type Policy, type Profile } from '@faramesh/policy-core'
import { openWatchedFile, type FileWatcher, type WatchedFile } from '@faramesh/policy-core/node'
import { ApiError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import type { PolicySnapshot, PolicySource, ReloadResult } from '../policy-source.js'

export interface FilePolicyOptions {
  policyFile: string
  policyPath: string
  profilePath: string | null
  policyVersion: string | null
  /** FARAMESH_HOT_RELOAD: the policy file must exist at start (it is what the gateway will follow). */
  hotReload?: boolean
  logger: Logger
  metrics: Metrics
  /** Watch with this shared watcher (gateway-files.ts: one for the policy, profile and tokens files). */
  watcher?: FileWatcher
}

/** "file:line:col: message" for each problem of a PolicyError, so an operator can jump to it. */
export function describePolicyError(err: unknown, file: string): string {
  if (err instanceof PolicyError) {
    const text = err.format()
    return err.source ? text : `${file}: ${text}`
  }
  return `${file}: ${err instanceof Error ? err.message : String(err)}`
}

interface ProfileState {
  profile: Profile | null
  profileError: string | null
}

export interface FilePolicySource extends PolicySource {
  reload(): Promise<ReloadResult>
  /** Start watching both files (FARAMESH_HOT_RELOAD). */
  watch(): void
  close(): void
}

/**
 * Load once. An invalid policy at startup is an ApiError POLICY_INVALID whose message lists every problem; a missing
 * one denies everything (and is an error too when hot reload is on). A profile that cannot be loaded at startup
 * halts every request with PROFILE_LOAD_ERROR until it can.
 */
export async function openFilePolicySource(o: FilePolicyOptions): Promise<FilePolicySource> {
  const denyAll = (): Policy => parsePolicy('rules: []\n', { source: o.policyFile })
  const failed = (file: string, what: 'policy' | 'profile') => (err: Error) => {
    const error = describePolicyError(err, file)
    o.metrics.policyReloads.inc({ result: 'failure' })
    o.logger.error(`${what} reload failed, previous ${what} kept`, { error })
  }
  const changed = (): void => {
    snap = build()
    o.metrics.policyReloads.inc({ result: 'success' })
    o.logger.info('policy reloaded', { policy_hash: snap.policy.hash, profile_hash: snap.profile?.hash ?? null })
  }

  let policyFile: WatchedFile<Policy>
  try {
    policyFile = openWatchedFile(o.policyPath, {
      parse: (text) => parsePolicy(text, { source: o.policyPath }),
      ...(o.hotReload ? {} : { whenMissing: denyAll }),
      onChange: changed,
      onError: failed(o.policyPath, 'policy'),
      ...(o.watcher ? { watcher: o.watcher } : {}),
    })
  } catch (err) {
    const missing = err instanceof PolicyError && err.code === 'FILE_NOT_FOUND'
    const why = missing ? `${o.policyPath}: file not found (FARAMESH_HOT_RELOAD=1 follows this file, so it must exist)` : describePolicyError(err, o.policyPath)
    throw new ApiError('POLICY_INVALID', `Invalid policy file:\n${why}`, { where: o.policyPath, cause: err })
  }

  const profilePath = o.profilePath
  const profileFile: WatchedFile<ProfileState> | null = profilePath
    ? openWatchedFile<ProfileState>(profilePath, {
        parse: (text) => ({ profile: parseProfile(text, { source: profilePath }), profileError: null }),
        // Nothing valid to keep yet: every request halts until the profile loads.
        fallback: (err) => ({
          profile: null,
          profileError: err instanceof PolicyError && err.code === 'FILE_NOT_FOUND' ? `profile file not found: ${profilePath}` : describePolicyError(err, profilePath),
        }),
        onChange: changed,
        onError: failed(profilePath, 'profile'),
        ...(o.watcher ? { watcher: o.watcher } : {}),
      })
    : null

  const build = (): PolicySnapshot => ({
    policy: policyFile.current(),
    ...(profileFile?.current() ?? { profile: null, profileError: null }),
    policyVersion: o.policyVersion,
    policyFile: o.policyFile,
    policyPath: o.policyPath,
    exists: policyFile.fromFile(),
    loadedAt: new Date().toISOString(),
  })
  let snap = build()

  if (!snap.exists) o.logger.warn('policy file not found: every request is denied', { policy_path: o.policyPath })
  if (snap.profileError) o.logger.error('profile could not be loaded: every request halts', { error: snap.profileError })

  /** Why a file as it is on disk now is not what is in force, if it is not. */
  const reloadError = (): string | null => {
    const p = policyFile.failure()
    const f = profileFile?.failure()
    return p ? describePolicyError(p, o.policyPath) : f && profilePath ? describePolicyError(f, profilePath) : null
  }

  const source: FilePolicySource = {
    current: () => snap,
    status: () => ({ exists: existsSync(o.policyPath), reloadError: reloadError() }),
    async reload() {
      const before = snap.policy
      policyFile.reload()
      profileFile?.reload()
      const p = policyFile.failure()
      if (p) return { ok: false, error: describePolicyError(p, o.policyPath), failed: 'policy', snapshot: snap }
      const f = profileFile?.failure()
      // The policy may have loaded although the profile did not: then the new policy is in force, and the answer says so.
      if (f && profilePath) return { ok: false, error: describePolicyError(f, profilePath), failed: 'profile', policyReloaded: snap.policy !== before, snapshot: snap }
      return { ok: true, snapshot: snap }
    },
    watch() {
      policyFile.watch()
      profileFile?.watch()
    },
    close() {
      policyFile.close()
      profileFile?.close()
    },
  }
  return source
}
