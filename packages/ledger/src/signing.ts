// Ed25519 checkpoint signing (CONTRACT.md § checkpoints). The signature covers the canonical JSON of
// {seq, hash, created_at, key_id}; it is stored base64. key_id = first 16 hex of sha256 of the public key's SPKI DER.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Checkpoint } from '@faramesh/policy-core'
import { canonicalJson } from './canonical.js'
import { LedgerError } from './errors.js'

export interface SigningKey {
  key_id: string
  public_key_pem: string
  privateKey: KeyObject
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16)
}

export function signingKeyFromPem(pem: string): SigningKey {
  let privateKey: KeyObject
  try {
    privateKey = createPrivateKey(pem)
  } catch (err) {
    throw new LedgerError('INVALID_INPUT', 'signing key is not a valid PEM private key', undefined, err)
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new LedgerError('INVALID_INPUT', `signing key must be Ed25519, got ${privateKey.asymmetricKeyType}`)
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

/** Read the key at `path`, or create it there (mode 0600) when missing. */
export function loadOrCreateKeyFile(path: string): SigningKey {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true })
    try {
      writeFileSync(path, generateSigningKeyPem(), { mode: 0o600, flag: 'wx' })
    } catch (err) {
      // Another process created it between our check and write: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LedgerError('STORE_UNAVAILABLE', `cannot write signing key ${path}`, { path }, err)
      }
    }
    chmodSync(path, 0o600)
  }
  return signingKeyFromPem(readFileSync(path, 'utf8'))
}

export function resolveSigningKey(
  opts: { signingKeyPem?: string | undefined; signingKeyPath?: string | undefined },
  defaultPath: string | null,
): SigningKey {
  if (opts.signingKeyPem) return signingKeyFromPem(opts.signingKeyPem)
  const path = opts.signingKeyPath ?? defaultPath
  if (path) return loadOrCreateKeyFile(path)
  return signingKeyFromPem(generateSigningKeyPem())
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
