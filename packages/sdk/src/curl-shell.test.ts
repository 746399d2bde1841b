// The commands curl.ts builds, run by a real POSIX shell (`sh`) with `curl` replaced by a function that prints its
// arguments: whatever an agent or a gateway put in the tool, params, id, token or reason, every argument arrives
// byte for byte, and nothing of it is expanded or run.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { curlCommand, shellWord, type CurlAction, type CurlKind } from './curl.js'

const ECHO_ARGS = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n`

/** The argument vector `sh` hands to curl when it runs `command` (with $FARAMESH_TOKEN set to `token`). */
function argv(command: string, token = 'T'): string[] {
  const out = execFileSync('sh', ['-c', ECHO_ARGS + command], { encoding: 'utf8', env: { PATH: process.env.PATH, FARAMESH_TOKEN: token } })
  return out.split('\0').slice(0, -1)
}

// Shell-hostile text: quotes, newlines, $(), backticks, globs, non-ASCII. No NUL (no argv can hold one) and no lone
// surrogates (no UTF-8 form).
const NASTY = ["'", '"', '\n', '$(touch pwned)', '`id`', '\\', '*', '~', '=x', ' ', '!', ';', '&', '|', 'ü', '😀', '${HOME}', '\r']
const text = fc.array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 6 }).map((p) => p.join('').replaceAll('\0', ''))

describe('curl commands in a real shell', () => {
  it('hand every argument to curl unchanged, in both layouts and for every kind', () => {
    fc.assert(
      fc.property(text, text, text, text, text, fc.constantFrom<CurlKind>('get', 'events', 'submit', 'approve', 'deny'), fc.boolean(), fc.boolean(),
        (id, tool, token, reason, base, kind, auth, original) => {
          fc.pre(id !== '' && id !== '.' && id !== '..') // not an action id: refused (action-id-path.test.ts)
          const a: CurlAction = { id, approval_token: token || null, agent_id: 'bot', tool, operation: 'run', params: { cmd: reason }, context: {} }
          const baseUrl = `http://h:1/${base}`.replace(/\/+$/, '')
          const got = argv(curlCommand(kind, a, { baseUrl, authenticated: auth, reason, layout: original ? 'original' : 'quoted' }), '$(tok)')
          const url = `${baseUrl}/v1/actions/${encodeURIComponent(id)}`
          const head = original ? [] : ['-sS']
          const authArgs = auth ? ['-H', 'Authorization: Bearer $(tok)'] : []
          if (kind === 'get' || kind === 'events') {
            expect(got).toEqual([...head, kind === 'get' ? url : `${url}/events`, ...authArgs])
            return
          }
          const to = kind === 'submit' ? `${baseUrl}/v1/actions` : `${url}/approval`
          expect(got.slice(0, -1)).toEqual([...head, '-X', 'POST', to, ...authArgs, '-H', 'Content-Type: application/json', '-d'])
          const body = JSON.parse(got.at(-1)!) as Record<string, unknown>
          if (kind === 'submit') expect(body).toEqual({ agent_id: 'bot', tool, operation: 'run', params: { cmd: reason }, context: {} })
          else expect(body).toEqual({ approve: kind === 'approve', ...(token ? { token } : {}), ...(reason ? { reason } : {}) })
        }),
      { numRuns: 150 },
    )
  })

  it('runs nothing an attacker put in a value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'curl-shell-'))
    const mark = join(dir, 'pwned')
    try {
      const evil = `x'; touch ${mark}; echo '$(touch ${mark})\`touch ${mark}\`"$(touch ${mark})"`
      const a: CurlAction = { id: evil, approval_token: evil, agent_id: evil, tool: evil, operation: evil, params: { evil }, context: { evil } }
      for (const kind of ['get', 'events', 'submit', 'approve', 'deny'] as const)
        for (const layout of ['quoted', 'original'] as const) {
          execFileSync('sh', ['-c', ECHO_ARGS + curlCommand(kind, a, { baseUrl: `http://h/${evil}`, authenticated: true, reason: evil, layout })])
          expect(existsSync(mark), `${kind} ${layout}`).toBe(false)
        }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('leaves a word bare only when no shell gives it meaning (the original layout)', () => {
    expect(shellWord('http://127.0.0.1:8000/v1/actions/2755d4a8-1000-47e6-873c-b9fd535234ad')).toBe('http://127.0.0.1:8000/v1/actions/2755d4a8-1000-47e6-873c-b9fd535234ad')
    // IPv6 brackets are a glob (zsh stops with "no matches found"), ?/&/=/~/space/$ are syntax: quoted.
    for (const w of ['http://[::1]:8000/v1', 'http://h/?a=1&b=2', '~/x', 'a b', '$x', '=ls', '']) expect(shellWord(w)).toMatch(/^'.*'$/)
  })

  it('rejects an unknown kind', () => {
    expect(() => curlCommand('patch' as CurlKind, { id: 'x', approval_token: null }, { baseUrl: 'http://h', authenticated: false })).toThrow('Unknown curl command kind')
  })
})
