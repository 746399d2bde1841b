// The checkpoint key file: created complete with mode 0600 and no temp file left over, reused on reopen, never
// overwritten; a file that cannot be read or parsed is a SIGNING_KEY error naming the file, not a store outage.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadOrCreateKeyFile, resolveSigningKey } from './signing-key-file.js'
import { deriveSecret, generateSigningKeyPem, signingKeyFromPem } from './signing.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'faramesh-key-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('signing key file', () => {
  it('creates the key in a new directory with mode 0600, leaves no temp file, and reuses it', () => {
    const path = join(dir, 'sub', 'key.pem')
    const old = process.umask(0o000)
    let first
    try {
      first = loadOrCreateKeyFile(path)
    } finally {
      process.umask(old)
    }
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(readdirSync(join(dir, 'sub'))).toEqual(['key.pem'])
    expect(readFileSync(path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/)
    expect(loadOrCreateKeyFile(path).key_id).toBe(first.key_id)
  })

  it('never overwrites a key that is already there', () => {
    const path = join(dir, 'key.pem')
    const pem = generateSigningKeyPem()
    writeFileSync(path, pem)
    loadOrCreateKeyFile(path)
    expect(readFileSync(path, 'utf8')).toBe(pem)
  })

  it('rejects a garbage key file with SIGNING_KEY naming the file and the reason', () => {
    const path = join(dir, 'key.pem')
    writeFileSync(path, 'hello\n')
    expect(() => loadOrCreateKeyFile(path)).toThrow(
      expect.objectContaining({ code: 'SIGNING_KEY', message: expect.stringMatching(new RegExp(`signing key ${path} is unusable: not a valid PEM private key`)) as string }),
    )
  })

  it('rejects a non-Ed25519 key and an inline garbage PEM with SIGNING_KEY', () => {
    expect(() => resolveSigningKey({ signingKeyPem: 'nope' }, null)).toThrow(expect.objectContaining({ code: 'SIGNING_KEY' }))
  })

  it('reports an unreadable key path and an unwritable directory as SIGNING_KEY', () => {
    mkdirSync(join(dir, 'key.pem'))
    expect(() => loadOrCreateKeyFile(join(dir, 'key.pem'))).toThrow(
      expect.objectContaining({ code: 'SIGNING_KEY', message: expect.stringContaining(`cannot read signing key ${join(dir, 'key.pem')}: EISDIR`) as string }),
    )
    // /proc refuses new files, even for root: the temp file cannot be created.
    expect(() => loadOrCreateKeyFile('/proc/self/faramesh-key.pem')).toThrow(
      expect.objectContaining({ code: 'SIGNING_KEY', message: expect.stringContaining('cannot write signing key /proc/self/faramesh-key.pem') as string }),
    )
  })
})

describe('secrets derived from the signing key', () => {
  it('are the same for every holder of the key, across reloads, and independent per purpose and per key', () => {
    const path = join(dir, 'key.pem')
    const a = deriveSecret(loadOrCreateKeyFile(path), 'approval-tokens')
    // Another process (or a restart) reading the same key file derives the same secret.
    const b = deriveSecret(signingKeyFromPem(readFileSync(path, 'utf8')), 'approval-tokens')
    expect(a).toHaveLength(32)
    expect(b.equals(a)).toBe(true)
    expect(deriveSecret(loadOrCreateKeyFile(path), 'other').equals(a)).toBe(false)
    expect(deriveSecret(signingKeyFromPem(generateSigningKeyPem()), 'approval-tokens').equals(a)).toBe(false)
    // Nothing of the key itself: the secret is not a slice of the private key's bytes.
    const der = loadOrCreateKeyFile(path).privateKey.export({ type: 'pkcs8', format: 'der' })
    expect(der.includes(a.subarray(0, 8))).toBe(false)
  })

  it('refuses an empty purpose', () => {
    expect(() => deriveSecret(signingKeyFromPem(generateSigningKeyPem()), '')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }))
  })
})
