// The execution profile a re-decision should use: --profile, else the one the gateway would load
// (FARAMESH_PROFILE_FILE or its alias FARA_PROFILE_FILE, else profiles/default.yaml when present). Without it, every
// action the profile decided would look "changed" in `policy simulate` and `replay-decision --db`.
import type { Profile } from '@faramesh/policy-core'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { profilePath } from '../config.js'
import { CliError } from '../errors.js'

export interface LoadedProfile {
  /** Absolute path, or null when there is no profile. */
  path: string | null
  profile: Profile | null
  /** Where the path came from, for the report. */
  origin: 'flag' | 'env' | 'default' | null
}

export async function loadProfileFor(flag: string | undefined, env: Record<string, string | undefined>, cwd = process.cwd()): Promise<LoadedProfile> {
  const path = flag ? resolve(cwd, flag) : profilePath(env, cwd)
  if (!path) return { path: null, profile: null, origin: null }
  const variable = env.FARAMESH_PROFILE_FILE ? 'FARAMESH_PROFILE_FILE' : env.FARA_PROFILE_FILE ? 'FARA_PROFILE_FILE' : null
  const origin = flag ? 'flag' : variable ? 'env' : 'default'
  if (!existsSync(path)) {
    throw new CliError('NOT_FOUND', `Profile file not found: ${path}`, {
      hint: origin === 'env' ? `${variable} points at it (the gateway would deny every request): fix it or pass --profile.` : undefined,
    })
  }
  const { loadProfileFile } = await import('@faramesh/policy-core/node')
  try {
    return { path, profile: loadProfileFile(path).profile, origin }
  } catch (err) {
    const text = typeof (err as { format?: unknown }).format === 'function' ? (err as { format(): string }).format() : String(err)
    throw new CliError('POLICY_INVALID', `Invalid profile:\n${text}`, { cause: err, details: (err as { errors?: unknown }).errors })
  }
}
