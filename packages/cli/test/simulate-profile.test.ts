// policy simulate and replay-decision --db on a database written by a gateway with an execution profile: the
// profile the gateway used (--profile, FARAMESH_PROFILE_FILE or FARA_PROFILE_FILE, profiles/default.yaml) must be used
// again.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Action } from '@faramesh/policy-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, json, startTestGateway, tempDir, type TestGateway } from './helpers.js'

describe('on a database written by a gateway with an execution profile', () => {
  const PROFILE = 'id: sim-profile\nversion: 1\nallowed_tools: [http, shell]\nrules:\n  - name: No sudo in this profile\n    when: {tool: shell}\n    pattern: "sudo "\n    outcome: HALT\n'
  let gw: TestGateway
  let profileFile: string
  let sudo: Action

  beforeAll(async () => {
    profileFile = join(tempDir(), 'profile.yaml')
    writeFileSync(profileFile, PROFILE)
    gw = await startTestGateway({ env: { FARAMESH_PROFILE_FILE: profileFile } })
    sudo = await gw.submit({ tool: 'shell', operation: 'run', params: { cmd: 'sudo ls' } })
    await gw.submit({ tool: 'stripe', operation: 'refund', params: { amount: 50 } })
    await gw.submit({ tool: 'http', operation: 'get', params: { url: 'https://example.com' } })
    expect(sudo.decision).toBe('deny')
  })

  afterAll(async () => {
    await gw?.close()
  })

  type Sim = { changed: number; risk_changed: number; profile: string | null; profile_hash: string | null; profile_mismatches: number }

  it('policy simulate without the profile flags every action the profile decided, and says why', async () => {
    const r = await cli(['policy', 'simulate', gw.policyPath, '--db', gw.dbPath], { cwd: tempDir() })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('would change: 2')
    expect(r.stdout).toContain('! 3 of them were decided under another profile than no profile')
    expect(r.stdout).toContain('rules[2] "Shell commands require approval" — 1 change (deny → require_approval ×1)')
  })

  it('policy simulate decides under --profile, FARAMESH_PROFILE_FILE (alias FARA_PROFILE_FILE) or profiles/default.yaml like the gateway', async () => {
    const flag = json<Sim>(await cli(['policy', 'simulate', gw.policyPath, '--db', gw.dbPath, '--profile', profileFile, '--json', '--fail-on-change'], { cwd: tempDir() }))
    expect(flag).toMatchObject({ changed: 0, risk_changed: 0, profile_mismatches: 0 })
    expect(flag.profile_hash).toMatch(/^[0-9a-f]{64}$/)
    for (const name of ['FARAMESH_PROFILE_FILE', 'FARA_PROFILE_FILE']) {
      const env = json<Sim>(await cli(['policy', 'simulate', gw.policyPath, '--db', gw.dbPath, '--json'], { cwd: tempDir(), env: { [name]: profileFile } }))
      expect(env, name).toMatchObject({ changed: 0, profile_mismatches: 0, profile_hash: flag.profile_hash })
    }
    const project = tempDir()
    mkdirSync(join(project, 'profiles'))
    writeFileSync(join(project, 'profiles', 'default.yaml'), PROFILE)
    const dflt = await cli(['policy', 'simulate', gw.policyPath, '--db', gw.dbPath], { cwd: project })
    expect(dflt.code).toBe(0)
    expect(dflt.stdout).toContain('+ profile profiles/default.yaml')
    expect(dflt.stdout).toContain('unchanged: 3   would change: 0   risk level only: 0')
    expect(dflt.stdout).not.toContain('another profile')
  })

  it('a missing profile is exit 3 and a broken one exit 7, naming the file', async () => {
    const missing = await cli(['policy', 'simulate', gw.policyPath, '--db', gw.dbPath, '--profile', 'nope.yaml'], { cwd: gw.dir })
    expect(missing.code).toBe(3)
    expect(missing.stderr).toContain(`Profile file not found: ${join(gw.dir, 'nope.yaml')}`)
    const dir = tempDir()
    writeFileSync(join(dir, 'bad.yaml'), 'id: x\nversion: 1\noutcome: [\n')
    const broken = await cli(['policy', 'simulate', gw.policyPath, '--db', gw.dbPath, '--profile', 'bad.yaml'], { cwd: dir })
    expect(broken.code).toBe(7)
    expect(broken.stderr).toMatch(/Invalid profile:\n.*bad\.yaml/)
  })

  it('replay-decision --db uses the profile too', async () => {
    const without = await cli(['replay-decision', sudo.id, '--db', gw.dbPath, '--policy', gw.policyPath], { cwd: tempDir() })
    expect(without.code).toBe(12)
    const withProfile = await cli(['replay-decision', sudo.id, '--db', gw.dbPath, '--policy', gw.policyPath, '--profile', profileFile], { cwd: tempDir() })
    expect(withProfile.code).toBe(0)
    expect(withProfile.stdout).toContain('✓ Identical decision, byte for byte.')
  })
})
