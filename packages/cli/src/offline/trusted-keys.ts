// The checkpoint keys verify-log trusts, and where each came from. Only what the operator provides counts: the
// --public-key files, else the public half of the signing key file the gateway is configured with
// (FARAMESH_SIGNING_KEY_FILE, or the ledger's default beside the SQLite database), resolved by the server's own
// loadConfig. The file is only read, never created. A key that is only in the database's ledger_keys, or that the
// gateway merely reports, is not trusted on its own: whoever can write the database can add one there.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { CliError } from '../errors.js'

export interface TrustedKey {
  key_id: string
  public_key_pem: string
  /** Where the operator gave it: `--public-key <file>` or `signing key file <path> (…)`. */
  source: string
}

export interface KeyChoice {
  keys: TrustedKey[]
  /** `file`: --public-key; `signing-key-file`: the configured key file; `none`: no key to trust. */
  key_source: 'file' | 'signing-key-file' | 'none'
  /** Why no key file was used, in words, when none was. */
  note: string | null
}

function publicHalf(pem: string): KeyObject | null {
  try {
    return createPublicKey(createPrivateKey(pem))
  } catch {
    try {
      return createPublicKey(pem)
    } catch {
      return null
    }
  }
}

async function toTrusted(key: KeyObject, source: string): Promise<TrustedKey> {
  const { keyIdOf } = await import('@faramesh/ledger')
  return { key_id: keyIdOf(key), public_key_pem: key.export({ type: 'spki', format: 'pem' }).toString(), source }
}

/** The --public-key files, each a PEM public (or private) Ed25519 key; anything else is an error naming the file. */
export async function keysFromFiles(files: readonly string[]): Promise<TrustedKey[]> {
  const out: TrustedKey[] = []
  for (const file of files) {
    let text: string
    try {
      text = readFileSync(resolve(file), 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      throw new CliError(code === 'ENOENT' ? 'NOT_FOUND' : 'IO', `Cannot read public key ${file}: ${code ?? (err as Error).message}`, { cause: err })
    }
    const key = publicHalf(text)
    if (!key || key.asymmetricKeyType !== 'ed25519') throw new CliError('VALIDATION', `${file} is not an Ed25519 public key in PEM form`)
    out.push(await toTrusted(key, `--public-key ${file}`))
  }
  return out
}

/**
 * The configured signing key file's public half. `dbPath`: the database being verified (its default key sits beside
 * it); else the gateway's configured SQLite file. Postgres has no default key file.
 */
export async function keyFromConfig(env: Record<string, string | undefined>, cwd: string, dbPath: string | null): Promise<KeyChoice> {
  const { loadConfig } = await import('@faramesh/server/config')
  const { sqliteSigningKeyPath } = await import('@faramesh/ledger')
  const config = loadConfig(env, cwd)
  let path: string | null
  let why: string
  if (config.signingKeyPath) {
    path = config.signingKeyPath
    why = 'FARAMESH_SIGNING_KEY_FILE'
  } else if (dbPath) {
    path = sqliteSigningKeyPath(dbPath)
    why = 'the default beside the database'
  } else if (config.dbBackend === 'sqlite') {
    path = sqliteSigningKeyPath(config.sqlitePath)
    why = 'the gateway default beside FARA_SQLITE_PATH'
  } else {
    return {
      keys: [],
      key_source: 'none',
      note: 'a Postgres gateway without FARAMESH_SIGNING_KEY_FILE signs with a key made for its process only: pass --public-key',
    }
  }
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable'
    return { keys: [], key_source: 'none', note: `no signing key file to trust: ${path} (${why}) ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}` }
  }
  const key = publicHalf(text)
  if (!key || key.asymmetricKeyType !== 'ed25519') {
    return { keys: [], key_source: 'none', note: `no signing key file to trust: ${path} (${why}) is not an Ed25519 key` }
  }
  return { keys: [await toTrusted(key, `signing key file ${path} (${why})`)], key_source: 'signing-key-file', note: null }
}
