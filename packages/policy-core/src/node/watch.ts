// Hot reload of a policy file: the generic watched file (watch-file.ts) with the policy parser. A bad edit, a deleted
// or unreadable file keeps the last valid policy and is reported through onError; the file is taken again when it
// is valid again, even with the same bytes as before.
import { PolicyError } from '../errors.js'
import { parsePolicy } from '../parse-policy.js'
import type { Policy } from '../policy.js'
import { openWatchedFile } from './watch-file.js'

export interface WatchOptions {
  onReload?: (policy: Policy) => void
  onError?: (err: PolicyError) => void
  /** Quiet time after the last file event before reloading. Default 100 ms. */
  debounceMs?: number
}

export interface PolicyWatcher {
  /** The last policy that loaded successfully. */
  current(): Policy
  /** Reload now (e.g. on SIGHUP); true when a new policy is in force, false when unchanged or invalid. */
  reload(): boolean
  close(): void
}

const asPolicyError = (err: Error, path: string): PolicyError =>
  err instanceof PolicyError ? err : new PolicyError('FILE_READ_ERROR', err.message, { source: path, cause: err })

/** Loads the file (throws if the first load fails: never start on an invalid policy), then watches it. */
export function watchPolicyFile(path: string, opts: WatchOptions = {}): PolicyWatcher {
  const f = openWatchedFile(path, {
    parse: (text) => parsePolicy(text, { source: path }),
    ...(opts.onReload ? { onChange: opts.onReload } : {}),
    ...(opts.onError ? { onError: (err: Error) => opts.onError!(asPolicyError(err, path)) } : {}),
    ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
  })
  f.watch()
  return { current: () => f.current(), reload: () => f.reload() === 'changed', close: () => f.close() }
}
