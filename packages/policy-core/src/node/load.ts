// Reading policy and profile files. File problems become PolicyErrors too, so callers handle one error type.
import { readFileSync } from 'node:fs'
import { PolicyError } from '../errors.js'
import { parsePolicy } from '../parse-policy.js'
import type { Policy } from '../policy.js'
import { parseProfile } from '../profile.js'
import type { Profile } from '../profile.js'

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new PolicyError('FILE_NOT_FOUND', `File not found: ${path}`, { source: path, cause: err })
    const detail = err instanceof Error ? err.message : String(err)
    throw new PolicyError('FILE_READ_ERROR', `Cannot read ${path}: ${detail}`, { source: path, cause: err })
  }
}

/** Reads and parses a policy file; throws PolicyError (FILE_NOT_FOUND, FILE_READ_ERROR or any parse code). */
export function loadPolicyFile(path: string): { policy: Policy; text: string } {
  const text = readText(path)
  return { policy: parsePolicy(text, { source: path }), text }
}

/** Reads and parses a profile file; a missing file is FILE_NOT_FOUND (no profile step), anything else a load error. */
export function loadProfileFile(path: string): { profile: Profile; text: string } {
  const text = readText(path)
  return { profile: parseProfile(text, { source: path }), text }
}
