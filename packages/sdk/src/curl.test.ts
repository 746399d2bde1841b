import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { curlCommand, shellQuote } from './curl.js'

/** What a real POSIX shell makes of the word: the quoting must survive `sh`, not just look right. */
function shWord(word: string): string {
  return execFileSync('sh', ['-c', `printf %s ${word}`], { encoding: 'utf8' })
}

describe('copy as curl', () => {
  it('quotes words so that a shell reads them back unchanged', () => {
    for (const w of ["it's", '$(rm -rf /)', '`id`', 'a b\tc', '"\\', "''", 'ünïcode']) {
      expect(shWord(shellQuote(w))).toBe(w)
    }
  })

  it('builds GET and approve/deny commands against the given base URL', () => {
    const action = { id: 'a1b2', approval_token: 'tok-123' }
    expect(curlCommand('get', action, { baseUrl: 'http://127.0.0.1:8000/', authenticated: false })).toBe(
      "curl -sS 'http://127.0.0.1:8000/v1/actions/a1b2'",
    )
    const approve = curlCommand('approve', action, { baseUrl: 'http://h:1', authenticated: false, reason: "ok'd" })
    expect(approve).toContain("-X POST 'http://h:1/v1/actions/a1b2/approval'")
    const body = approve.slice(approve.indexOf('-d ') + 3)
    expect(JSON.parse(shWord(body))).toEqual({ approve: true, token: 'tok-123', reason: "ok'd" })
    const deny = curlCommand('deny', { id: 'a1b2', approval_token: null }, { baseUrl: 'http://h:1', authenticated: false })
    expect(JSON.parse(shWord(deny.slice(deny.indexOf('-d ') + 3)))).toEqual({ approve: false })
  })

  it('reads the API token from $FARAMESH_TOKEN rather than pasting it', () => {
    const cmd = curlCommand('get', { id: 'x', approval_token: null }, { baseUrl: 'http://h', authenticated: true })
    expect(cmd).toContain('-H "Authorization: Bearer $FARAMESH_TOKEN"')
  })
})
