// The tokens file as a live TokenSource: watched like the policy (@faramesh/policy-core/node openWatchedFile), so
// `faramesh token create` or `revoke` takes effect without a restart, also when the file did not exist when the
// gateway started (creating it turns auth on). A deleted, unreadable or invalid file keeps the token set in force
// (a bad edit must neither lock everyone out nor let a revoked token back in), is logged and counted in
// faramesh_tokens_reloads_total{result="failure"}; an invalid file at startup refuses to start.
import { readFileSync, statSync } from 'node:fs'
import { openWatchedFile, type FileWatcher, type WatchedFile } from '@faramesh/policy-core/node'
import { indexTokens, staticTokenSource, type ActiveToken, type TokenSource } from '../auth.js'
import { ApiError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { Metrics } from '../metrics.js'
import { parseTokensFile } from '../tokens-file.js'

export interface TokensSourceOptions {
  path: string
  /** Named by FARAMESH_TOKENS_FILE: a missing file still turns auth on (nobody gets in until it appears). */
  required: boolean
  logger: Logger
  metrics: Metrics
  /** Watch with this shared watcher (gateway-files.ts: one for the policy, profile and tokens files). */
  watcher?: FileWatcher
}

export interface WatchedTokenSource extends TokenSource {
  close(): void
}

type Tokens = ReadonlyMap<string, ActiveToken> | null

export function openTokensSource(o: TokensSourceOptions): WatchedTokenSource {
  const parse = (text: string): Tokens => {
    assertOwnerWritesOnly(o.path)
    return indexTokens(parseTokensFile(text, o.path))
  }
  let file: WatchedFile<Tokens>
  try {
    file = openWatchedFile<Tokens>(o.path, {
      parse,
      ...(o.required ? { fallback: (err: Error) => (isMissing(err) ? new Map() : rethrow(err)) } : { whenMissing: () => null }),
      onChange: (tokens) => {
        o.metrics.tokensReloads.inc({ result: 'success' })
        o.logger.info('tokens file reloaded', { path: o.path, tokens: tokens?.size ?? 0 })
      },
      onError: (err) => {
        o.metrics.tokensReloads.inc({ result: 'failure' })
        o.logger.error('tokens file reload failed, previous tokens kept', { path: o.path, error: err.message })
      },
      ...(o.watcher ? { watcher: o.watcher } : {}),
    })
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw new ApiError('CONFIG_INVALID', `tokens file ${o.path}: ${(err as Error).message}`, { where: 'FARAMESH_TOKENS_FILE', cause: err })
  }
  if (o.required && !file.fromFile()) o.logger.warn('tokens file not found: no scoped token is accepted until it exists', { path: o.path })
  file.watch()
  return { current: file.current, close: file.close }
}

/** The tokens file read once, now (tests, embedding): a TokenSource that never changes. Throws when unreadable or invalid. */
export function tokenSourceFromFile(path: string): TokenSource {
  return staticTokenSource(parseTokensFile(readFileSync(path, 'utf8'), path))
}

/**
 * Whoever can write the tokens file can give themselves an admin token. A file every user of the machine may write is
 * refused (as sshd refuses such an authorized_keys): at startup the gateway does not start, later it is a failed
 * reload and the tokens in force stay. Checked on each load, after the read: a user who is not the owner cannot make
 * the file private again after writing it. `faramesh token` writes the file 0600.
 */
function assertOwnerWritesOnly(path: string): void {
  if (process.platform === 'win32') return
  const mode = statSync(path).mode & 0o777
  if (mode & 0o002) {
    throw new ApiError(
      'CONFIG_INVALID',
      `tokens file ${path} is writable by every user (mode 0${mode.toString(8)}): anyone on this machine could add a token; make it private (chmod 600 ${path})`,
      { where: 'FARAMESH_TOKENS_FILE' },
    )
  }
}

const isMissing = (err: Error): boolean => (err as { code?: string }).code === 'FILE_NOT_FOUND'
const rethrow = (err: Error): never => {
  throw err
}
