import { describe, expect, it } from 'vitest'
import { CliError } from './errors.js'
import { EXIT_CODES, toCliError } from './exit-codes.js'

describe('toCliError', () => {
  it('maps gateway answers by status', () => {
    const code = (statusCode: number) => toCliError({ name: 'FarameshError', message: 'x', statusCode }).code
    expect([401, 403, 404, 409, 422, 500].map(code)).toEqual(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'VALIDATION', 'SERVER'])
  })

  it('maps an unreachable gateway to CONNECTION with a hint', () => {
    const e = toCliError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))
    expect(e.code).toBe('CONNECTION')
    expect(e.hint).toContain('faramesh serve')
    expect(toCliError({ name: 'FarameshUnavailableError', code: 'UNAVAILABLE', message: 'down' }).code).toBe('CONNECTION')
  })

  it('maps policy, ledger, file and parser errors', () => {
    const policy = toCliError({ name: 'PolicyError', message: 'bad', format: () => 'p.yaml:3:5 rules[0]: bad', errors: [] })
    expect(policy.code).toBe('POLICY_INVALID')
    expect(policy.message).toContain('p.yaml:3:5')
    expect(toCliError({ name: 'LedgerError', code: 'INVALID_TRANSITION', message: 'no' }).code).toBe('CONFLICT')
    expect(toCliError(Object.assign(new Error('no file'), { code: 'ENOENT' })).code).toBe('IO')
    expect(toCliError({ name: 'NonExistentFlagsError', message: 'Nonexistent flag', oclif: { exit: 2 } }).code).toBe('USAGE')
    expect(toCliError({ name: 'ApiError', code: 'CONFIG_INVALID', status: 500, message: 'FARAMESH_PORT: bad' }).code).toBe('VALIDATION')
    expect(toCliError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' })).code).toBe('IO')
    expect(toCliError(new Error('boom')).code).toBe('INTERNAL')
  })

  it('keeps CliErrors, and every code has an exit code above 0', () => {
    const e = new CliError('AMBIGUOUS_ID', 'x')
    expect(toCliError(e)).toBe(e)
    for (const n of Object.values(EXIT_CODES)) expect(n).toBeGreaterThan(0)
  })
})
