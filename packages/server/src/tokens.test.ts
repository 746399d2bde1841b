import { describe, expect, it } from 'vitest'
import * as gateway from './index.js'
import * as tokens from './tokens.js'
import { ApiError } from './errors.js'

describe('@faramesh/server/tokens', () => {
  it('is the same token-file and role code the gateway uses, not a copy', () => {
    const names = Object.keys(tokens)
    expect(names.sort()).toEqual(['RESERVED_NAMES', 'ROLES', 'agentIdOfToken', 'can', 'hashToken', 'parseTokensFile', 'requirePermission', 'rfc3339Millis', 'serializeTokensFile'])
    for (const name of names) expect(tokens[name as keyof typeof tokens], name).toBe(gateway[name as keyof typeof gateway])
  })

  it("refuses a caller whose role lacks the right with the gateway's 403", () => {
    const auditor = { name: 'eve', role: 'auditor', kind: 'scoped', agentId: null } as const
    expect(tokens.can(auditor, 'audit')).toBe(true)
    expect(() => tokens.requirePermission(auditor, 'approve')).toThrow(new ApiError('FORBIDDEN', 'Role auditor may not approve'))
    expect(() => tokens.requirePermission(auditor, 'read_all')).not.toThrow()
  })

  it('rejects a malformed tokens file naming the entry', () => {
    expect(() => tokens.parseTokensFile('{"tokens": [{"name": "x", "role": "root", "sha256": "00"}]}', 't.json')).toThrow(/t\.json: tokens\[0\] \("x"\) has unknown role "root"/)
    expect(() => tokens.parseTokensFile('not json', 't.json')).toThrow(/not valid JSON/)
  })
})
