// Reading and writing the scoped-token file (FARAMESH_TOKENS_FILE). The format and its checks are the server's
// (parseTokensFile / serializeTokensFile); this file only adds atomic writes and owner-only permissions.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { TokenEntry, TokensFile } from '@faramesh/server/tokens'
import { CliError } from './errors.js'

export type TokenStatus = 'active' | 'revoked' | 'expired'

export async function readTokens(path: string): Promise<TokensFile> {
  if (!existsSync(path)) return { version: 1, tokens: [] }
  const { parseTokensFile } = await import('@faramesh/server/tokens')
  try {
    return parseTokensFile(readFileSync(path, 'utf8'), path)
  } catch (err) {
    throw new CliError('VALIDATION', (err as Error).message, { cause: err })
  }
}

export async function writeTokens(path: string, file: TokensFile): Promise<void> {
  const { serializeTokensFile } = await import('@faramesh/server/tokens')
  mkdirSync(dirname(path), { recursive: true })
  // Write then rename, so the gateway (which re-reads the file when it changes) never sees half a file.
  const tmp = `${path}.${process.pid}.tmp`
  writeFileSync(tmp, serializeTokensFile(file), { mode: 0o600 })
  renameSync(tmp, path)
}

export function newToken(): string {
  return `fm_${randomBytes(32).toString('base64url')}`
}

export function statusOf(entry: TokenEntry, now: Date = new Date()): TokenStatus {
  if (entry.revoked_at) return 'revoked'
  if (entry.expires_at && new Date(entry.expires_at).getTime() <= now.getTime()) return 'expired'
  return 'active'
}
