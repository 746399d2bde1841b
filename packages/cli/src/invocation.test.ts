import { describe, expect, it } from 'vitest'
import { cliName } from './invocation.js'

describe('cliName', () => {
  it('is `pnpm faramesh` under the repository root script, else `faramesh`', () => {
    expect(cliName({ npm_lifecycle_event: 'faramesh' })).toBe('pnpm faramesh')
    expect(cliName({})).toBe('faramesh')
    // Another script that happens to run the CLI (a package's `test`, a user's own script): the command on PATH.
    expect(cliName({ npm_lifecycle_event: 'test' })).toBe('faramesh')
  })
})
