// The checkpoint key on disk: read it, or create it (0600, atomically, durably, never overwriting a key another process
// made), and choose between an inline key, a key file and a key made for this process only.
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { LedgerError, messageOf as reason } from './errors.js'
import { generateSigningKeyPem, signingKeyFromPem, type SigningKey } from './signing.js'

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * Write a new key at `path` so that it is either absent or complete and durable, even across a crash: a 0600 temp
 * file in the same directory, fsync, then link it into place, then fsync the directory. A link (not a rename) so a
 * key another process created meanwhile is never overwritten: two gateways must not sign with different keys.
 */
function writeKeyFile(path: string): void {
  const dir = dirname(path)
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    mkdirSync(dir, { recursive: true })
    const fd = openSync(tmp, 'wx', 0o600)
    try {
      writeSync(fd, generateSigningKeyPem())
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    try {
      linkSync(tmp, path)
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      // EEXIST: another process won the race, use its key. Filesystems without hard links fall back to rename.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') renameSync(tmp, path)
      else if (code !== 'EEXIST') throw err
    }
    fsyncDir(dir)
  } catch (err) {
    throw new LedgerError('SIGNING_KEY', `cannot write signing key ${path}: ${reason(err)}`, { path }, err)
  } finally {
    try {
      unlinkSync(tmp)
    } catch {
      // Already renamed into place, or never created.
    }
  }
}

/** Read the key at `path`, or create it there (mode 0600, atomically and durably) when missing. */
export function loadOrCreateKeyFile(path: string): SigningKey {
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new LedgerError('SIGNING_KEY', `cannot read signing key ${path}: ${reason(err)}`, { path }, err)
    }
    writeKeyFile(path)
    try {
      pem = readFileSync(path, 'utf8')
    } catch (err2) {
      throw new LedgerError('SIGNING_KEY', `cannot read signing key ${path}: ${reason(err2)}`, { path }, err2)
    }
  }
  try {
    return signingKeyFromPem(pem)
  } catch (err) {
    throw new LedgerError('SIGNING_KEY', `signing key ${path} is unusable: ${reason(err)}`, { path }, err)
  }
}

/** Where a SQLite ledger keeps its checkpoint key when none is configured: beside the database file. */
export function sqliteSigningKeyPath(dbPath: string): string {
  return `${dbPath}.signing-key.pem`
}

export function resolveSigningKey(
  opts: { signingKeyPem?: string | undefined; signingKeyPath?: string | undefined },
  defaultPath: string | null,
): SigningKey {
  if (opts.signingKeyPem) {
    try {
      return signingKeyFromPem(opts.signingKeyPem)
    } catch (err) {
      throw new LedgerError('SIGNING_KEY', `signing key (signingKeyPem) is unusable: ${reason(err)}`, undefined, err)
    }
  }
  const path = opts.signingKeyPath ?? defaultPath
  if (path) return loadOrCreateKeyFile(path)
  return signingKeyFromPem(generateSigningKeyPem())
}
