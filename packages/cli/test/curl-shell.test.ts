// `faramesh curl` against a gateway on IPv6 loopback: the base URL is http://[::1]:port, and `[::1]` is a shell glob.
// The printed commands, run by a real `sh` (curl replaced by a function printing its arguments) in a folder where that
// glob matches a file, must hand curl the URL unchanged. The CLI printed URLs bare before; the shell rewrote them.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Action } from '@faramesh/policy-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, json, startTestGateway, tempDir, type TestGateway } from './helpers.js'

let gw: TestGateway
let pending: Action

beforeAll(async () => {
  gw = await startTestGateway({ env: { FARAMESH_HOST: '::1' } })
  pending = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: "echo 'hi' $(id)" } })
})
afterAll(() => gw?.close())

const ECHO_ARGS = `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n`

describe('faramesh curl on an IPv6 gateway', () => {
  it('prints commands a shell hands to curl unchanged, even where [::1] matches a file', async () => {
    const r = await cli(['curl', pending.id, '--json', '--host', '::1', '--port', String(gw.port)])
    expect(r.code).toBe(0)
    const { commands } = json<{ commands: Record<string, string> }>(r)
    const base = `http://[::1]:${gw.port}`
    // What the glob http://[::1]:PORT/v1/actions/ID matches: http://1:PORT/v1/actions/ID.
    const trap = tempDir()
    mkdirSync(join(trap, 'http:', '1:' + gw.port, 'v1', 'actions'), { recursive: true })
    writeFileSync(join(trap, 'http:', '1:' + gw.port, 'v1', 'actions', pending.id), '')
    const argv = (cmd: string) => execFileSync('sh', ['-c', ECHO_ARGS + cmd], { cwd: trap, encoding: 'utf8' }).split('\0').slice(0, -1)
    expect(argv(commands.get!)).toEqual([`${base}/v1/actions/${pending.id}`])
    const approve = argv(commands.approve!)
    expect(approve.slice(0, 3)).toEqual(['-X', 'POST', `${base}/v1/actions/${pending.id}/approval`])
    expect(JSON.parse(approve.at(-1)!)).toMatchObject({ approve: true })
    const submit = argv(commands.submit!)
    expect(JSON.parse(submit.at(-1)!)).toMatchObject({ tool: 'shell', params: { cmd: "echo 'hi' $(id)" } })
  })
})
