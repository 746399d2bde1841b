import { describe, expect, it } from 'vitest'
import { hashToken, parseTokensFile } from './tokens-file.js'

const entry = (name: string, extra: object = {}) => ({ name, role: 'approver', sha256: hashToken(name), ...extra })
const file = (...tokens: object[]) => JSON.stringify({ version: 1, tokens })

describe('parseTokensFile', () => {
  it('refuses two live tokens with one name: the audit trail could not tell them apart', () => {
    expect(() => parseTokensFile(file(entry('alice'), entry('bob'), entry('alice')))).toThrow(
      'tokens file: tokens[2] ("alice") has the same name as tokens[0], which is not revoked either',
    )
    // A revoked one may share the name of its successor.
    expect(parseTokensFile(file(entry('alice', { revoked_at: '2026-01-01T00:00:00Z' }), entry('alice'))).tokens).toHaveLength(2)
  })

  it('refuses the names the gateway gives callers without a scoped token', () => {
    for (const name of ['anonymous', 'legacy-token']) {
      expect(() => parseTokensFile(file(entry(name)))).toThrow(`uses the reserved name "${name}"`)
    }
  })

  it('names the token and the field of a timestamp that is not RFC 3339', () => {
    expect(() => parseTokensFile(file(entry('bot', { expires_at: '2020-02-30T00:00:00Z' })))).toThrow(
      'tokens[0] ("bot") expires_at "2020-02-30T00:00:00Z" is not an RFC 3339 timestamp',
    )
    expect(() => parseTokensFile(file(entry('bot', { revoked_at: 'yesterday' })))).toThrow('revoked_at "yesterday"')
    expect(() => parseTokensFile(file(entry('bot', { expires_at: '2027-01-31T00:00:00' })))).toThrow('expires_at') // no offset
    expect(parseTokensFile(file(entry('bot', { expires_at: '2027-01-31T00:00:00.5+05:30' }))).tokens[0]!.expires_at).toBe('2027-01-31T00:00:00.5+05:30')
  })
})
