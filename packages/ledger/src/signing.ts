// Ed25519 checkpoint signing (CONTRACT.md § checkpoints). The signature covers the canonical JSON of
// {seq, hash, created_at, key_id}; it is stored base64. key_id = first 16 hex of sha256 of the public key's SPKI DER.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto'
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Checkpoint } from '@faramesh/policy-core'
import { canonicalJson } from './canonical.js'
import { LedgerError } from './errors.js'

export interface SigningKey {
  key_id: string
  public_key_pem: string
  privateKey: KeyObject
}

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err))

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)
}

export function signingKeyFromPem(pem: string): SigningKey {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch (err) {
    throw new LedgerError('SIGNING_KEY', `not a valid PEM private key (${reason(err)})`, undefined, err)
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new LedgerError('SIGNING_KEY', `must be an Ed25519 key, got ${privateKey.asymmetricKeyType}`)
  }
  const publicKey = createPublicKey(privateKey)
  return {
    key_id: keyIdOf(publicKey),
    public_key_pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey,
  }
}

export function generateSigningKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ed25519')
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
}

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

/**
 * A 32-byte secret for `purpose`, derived from the signing key with HKDF-SHA256. Every process holding the same key
 * (a gateway fleet shares one, see docker/README.md) derives the same secret, and it survives restarts without being
 * stored anywhere; distinct purposes give independent secrets, and none reveals the key.
 */
export function deriveSecret(key: SigningKey, purpose: string): Buffer {
  if (typeof purpose !== 'string' || purpose === '') throw new LedgerError('INVALID_INPUT', 'purpose must be a non-empty string')
  const ikm = key.privateKey.export({ type: 'pkcs8', format: 'der' })
  return Buffer.from(hkdfSync('sha256', ikm, 'faramesh-ledger-signing-key', purpose, 32))
}

export function checkpointPayload(cp: Omit<Checkpoint, 'signature'>): string {
  return canonicalJson({ seq: cp.seq, hash: cp.hash, created_at: cp.created_at, key_id: cp.key_id })
}

export function signCheckpoint(key: SigningKey, head: { seq: number; hash: string }, createdAt: string): Checkpoint {
  const body = { seq: head.seq, hash: head.hash, created_at: createdAt, key_id: key.key_id }
  const signature = sign(null, Buffer.from(checkpointPayload(body)), key.privateKey).toString('base64')
  return { ...body, signature }
}

/** Public keys by key_id, from PEM strings. */
export function publicKeyRing(pems: readonly string[]): Map<string, KeyObject> {
  const ring = new Map<string, KeyObject>()
  for (const pem of pems) {
    let key: KeyObject
    try {
      key = createPublicKey(pem)
    } catch (err) {
      throw new LedgerError('INVALID_INPUT', 'public key is not a valid PEM key', undefined, err)
    }
    ring.set(keyIdOf(key), key)
  }
  return ring
}

export function checkpointSignatureOk(ring: Map<string, KeyObject>, cp: Checkpoint): boolean {
  const key = ring.get(cp.key_id)
  if (!key || typeof cp.signature !== 'string') return false
  try {
    return verify(null, Buffer.from(checkpointPayload(cp)), key, Buffer.from(cp.signature, 'base64'))
  } catch {
    return false
  }
}
