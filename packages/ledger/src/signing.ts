// Ed25519 checkpoint signing (CONTRACT.md § checkpoints). The signature covers the canonical JSON of
// {seq, hash, created_at, key_id}; it is stored base64. key_id = first 16 hex of sha256 of the public key's SPKI DER.
// Pure crypto: no file system (the key file is signing-key-file.ts), so a verifier can import it without node:fs
// (`@faramesh/ledger/signing`).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, sign, verify, type KeyObject } from 'node:crypto'
import type { Checkpoint } from '@faramesh/policy-core'
import { canonicalJson } from './canonical.js'
import { LedgerError, messageOf as reason } from './errors.js'

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
