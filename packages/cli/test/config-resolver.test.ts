// The binary reads configuration through the gateway's resolver (@faramesh/server/config): the tokens file a
// `faramesh token` command writes from a sub-folder of a workspace is the one the gateway started there follows,
// and a variable the gateway would refuse is refused the same way (exit 7, one error line and a hint).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, tempDir } from './helpers.js'

describe('configuration as the gateway reads it', () => {
  it('token create in apps/server of a workspace writes the tokens file at the root, where the gateway looks', async () => {
    const root = tempDir()
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n')
    mkdirSync(join(root, 'policies'))
    writeFileSync(join(root, 'policies', 'default.yaml'), 'rules: []\n')
    const app = join(root, 'apps', 'server')
    mkdirSync(app, { recursive: true })
    const r = await cli(['token', 'create', '--role', 'auditor', '--name', 'ann', '--json'], { cwd: app })
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout)).toMatchObject({ file: join(root, 'data', 'tokens.json') })
    expect(existsSync(join(app, 'data'))).toBe(false)
  })

  it('an invalid FARAMESH_PORT is exit 7 with the gateway\'s message, not a connection to port NaN', async () => {
    const r = await cli(['list'], { env: { FARAMESH_PORT: 'abc' } })
    expect(r.code).toBe(7)
    expect(r.stdout).toBe('')
    expect(r.stderr.split('\n')[0]).toBe('Error: FARAMESH_PORT: expected an integer, got "abc"')
  })
})
