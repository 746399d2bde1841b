import { describe, expect, it } from 'vitest'
import { suggestCommand } from './command-not-found.js'

const KNOWN = ['init', 'list', 'logs', 'policy:test', 'policy:diff', 'policy-diff', 'token:create']

describe('suggestCommand', () => {
  it('suggests the closest command within about one edit per three characters', () => {
    expect(suggestCommand('lst', KNOWN)).toBe('list')
    expect(suggestCommand('policy:tst', KNOWN)).toBe('policy:test')
    expect(suggestCommand('tokn:create', KNOWN)).toBe('token:create')
    expect(suggestCommand('approve-everything', KNOWN)).toBeNull()
    expect(suggestCommand('', KNOWN)).toBeNull()
  })

  it('counts two swapped letters as one typo, as the policy key hints do (the old copy suggested init for lsit)', () => {
    expect(suggestCommand('lsit', KNOWN)).toBe('list')
    expect(suggestCommand('ilst', KNOWN)).toBe('list')
    expect(suggestCommand('losg', KNOWN)).toBe('logs')
    expect(suggestCommand('policy:idff', KNOWN)).toBe('policy:diff')
  })
})
