// Commands that work on local files: init, doctor, serve in an empty folder, completion, build-ui (init-docker has its own file).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { cli, exited, json, start, tempDir, waitForOutput } from './helpers.js'

describe('init && doctor && serve in an empty folder', () => {
  it('scaffolds, passes the checks and serves the starter policy', async () => {
    const dir = tempDir()
    const init = await cli(['init'], { cwd: dir })
    expect(init.code).toBe(0)
    expect(init.stdout).toContain('✓ Created starter files:\n  • policies/default.yaml\n  • policies/tests/default.test.yaml\n  • .env.example')
    expect(existsSync(join(dir, 'policies', 'default.yaml'))).toBe(true)

    const doctor = await cli(['doctor'], { cwd: dir })
    expect(doctor.code).toBe(0)
    expect(doctor.stdout).toContain('✓ Policy file exists: policies/default.yaml (6 rules, 1 risk rules)')
    expect(doctor.stdout).toContain('✓ Database will be created at data/actions.db')
    expect(doctor.stdout).toContain('! No auth token')

    const serve = start(['serve', '--port', '0', '--log-level', 'silent'], { cwd: dir })
    const banner = await waitForOutput(serve.stdout, /listening on http:\/\/127\.0\.0\.1:(\d+)/)
    const port = /127\.0\.0\.1:(\d+)/.exec(banner)?.[1] as string
    try {
      const res = await fetch(`http://127.0.0.1:${port}/v1/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agent_id: 'a', tool: 'stripe', operation: 'charge', params: { amount: 9000 } }),
      })
      expect(((await res.json()) as { status: string }).status).toBe('pending_approval')
      const list = await cli(['list', '--port', port, '--json'], { cwd: dir })
      expect(json<Array<{ reason: string }>>(list)[0]?.reason).toMatch(/^Allow other Stripe operations.* \(high risk requires approval\)$/)
      // The starter tests pass against the starter policy.
      expect((await cli(['policy', 'test'], { cwd: dir })).code).toBe(0)
    } finally {
      serve.kill('SIGTERM')
    }
    expect(await exited(serve)).toBe(0)
    expect(existsSync(join(dir, 'data', 'actions.db'))).toBe(true)
  })

  it('serve --watch reloads an edited policy and keeps the last valid one after a broken edit', async () => {
    const dir = tempDir()
    await cli(['init'], { cwd: dir })
    const serve = start(['serve', '--port', '0', '--watch', '--json', '--log-level', 'silent'], { cwd: dir })
    const first = JSON.parse((await waitForOutput(serve.stdout, /\n/)).trim()) as { url: string; hot_reload: boolean }
    expect(first.hot_reload).toBe(true)
    const info = async () => ((await (await fetch(`${first.url}/v1/policy/info`)).json()) as { policy_hash: string }).policy_hash
    const waitForHash = async (pred: (h: string) => boolean) => {
      for (let i = 0; i < 100; i++) {
        const h = await info()
        if (pred(h)) return h
        await new Promise((r) => setTimeout(r, 100))
      }
      throw new Error('policy was not reloaded')
    }
    try {
      const before = await info()
      writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: "*" }\n    deny: true\n')
      const after = await waitForHash((h) => h !== before)
      writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules: [ broken\n')
      await new Promise((r) => setTimeout(r, 1500))
      expect(await info()).toBe(after)
    } finally {
      serve.kill('SIGTERM')
    }
    expect(await exited(serve)).toBe(0)
  })

  it('serve refuses bad configuration with exit 7 and a busy port with exit 14', async () => {
    const dir = tempDir()
    await cli(['init'], { cwd: dir })
    const open = await cli(['serve', '--host', '0.0.0.0', '--port', '0'], { cwd: dir })
    expect(open.code).toBe(7)
    expect(open.stderr).toMatch(/^Error: Refusing to listen on 0\.0\.0\.0 without authentication/)
    const first = start(['serve', '--port', '0', '--json', '--log-level', 'silent'], { cwd: dir })
    const { port } = JSON.parse((await waitForOutput(first.stdout, /\n/)).trim()) as { port: number }
    try {
      const busy = await cli(['serve', '--port', String(port), '--log-level', 'silent'], { cwd: dir })
      expect(busy.code).toBe(14)
      expect(busy.stderr).toContain('EADDRINUSE')
    } finally {
      first.kill('SIGTERM')
    }
    expect(await exited(first)).toBe(0)
  })

  it('keeps existing files unless --force, and says so in --json', async () => {
    const dir = tempDir()
    await cli(['init'], { cwd: dir })
    writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules: []\n')
    const again = json<{ created: string[]; skipped: string[] }>(await cli(['init', '--json'], { cwd: dir }))
    expect(again.created).toEqual([])
    expect(again.skipped).toContain('policies/default.yaml')
    expect(readFileSync(join(dir, 'policies', 'default.yaml'), 'utf8')).toBe('rules: []\n')
    const forced = json<{ overwritten: string[] }>(await cli(['init', '--force', '--json'], { cwd: dir }))
    expect(forced.overwritten).toContain('policies/default.yaml')
  })

  it('doctor fails with exit 13 on a broken policy and bad configuration, listing each problem', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'policies'))
    writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules:\n  - match: { tool: shell }\n    allow: true\n    deny: true\n')
    writeFileSync(join(dir, '.env'), 'FARAMESH_PORT=not-a-port\n')
    const r = await cli(['doctor', '--no-gateway'], { cwd: dir })
    expect(r.code).toBe(13)
    expect(r.stdout).toMatch(/✗ Policy file is invalid: .*default\.yaml:2/)
    expect(r.stdout).toMatch(/✗ Configuration invalid: FARAMESH_PORT/)
    expect(r.stderr).toBe('Error: 2 checks failed\n')
    const j = await cli(['doctor', '--no-gateway', '--json'], { cwd: dir })
    expect(j.code).toBe(13)
    const checks = json<{ ok: boolean; checks: Array<{ name: string; status: string }> }>(j)
    expect(checks.ok).toBe(false)
    expect(checks.checks.filter((c) => c.status === 'fail').map((c) => c.name).sort()).toEqual(['config', 'policy'])
  })
})

describe('completion, help and version', () => {
  it('prints bash, zsh and fish completion covering commands, topics and flags', async () => {
    const bash = await cli(['completion', 'bash'])
    expect(bash.code).toBe(0)
    expect(bash.stdout).toContain('complete -o default -F _faramesh_complete faramesh')
    expect(bash.stdout).toMatch(/compgen -W "allow approve build-ui completion curl deny doctor events explain get init init-docker list logs mcp policy policy-diff replay replay-decision serve tail token verify-log"/)
    expect(bash.stdout).toContain('policy) COMPREPLY=($(compgen -W "diff simulate test"')
    expect(bash.stdout).toContain('mcp) COMPREPLY=($(compgen -W "wrap"')
    expect(bash.stdout).toContain('"list") opts="--agent --color --full')
    expect((await cli(['completion', 'zsh'])).stdout).toContain('bashcompinit')
    expect(json<{ shell: string; script: string }>(await cli(['completion', 'bash', '--json']))).toEqual({ shell: 'bash', script: bash.stdout })
    expect((await cli(['completion', 'fish'])).stdout).toContain("complete -c faramesh -n '__fish_seen_subcommand_from simulate' -l since")
  })

  it('shows examples in --help of every command', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8')) as { commands: Record<string, unknown> }
    const ids = Object.keys(manifest.commands)
    expect(ids.length).toBeGreaterThanOrEqual(24)
    for (const id of ids) {
      const r = await cli([...id.split(':'), '--help'])
      expect(r.code, id).toBe(0)
      expect(r.stdout, id).toContain('EXAMPLES')
      expect(r.stdout, id).toContain('GLOBAL FLAGS')
    }
  }, 120_000)

  it('prints the version', async () => {
    const r = await cli(['--version'])
    expect(r.stdout).toMatch(/^@faramesh\/cli\/\d+\.\d+\.\d+ /)
  })

  it('suggests the closest command for a typo (exit 2)', async () => {
    const r = await cli(['lst'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('Error: Unknown command "lst". Did you mean "list"?\nRun `faramesh --help` for the list of commands.\n')
    const j = await cli(['policy', 'tst', '--json'])
    expect(j.code).toBe(2)
    expect(json<{ error: { message: string } }>(j).error.message).toBe('Unknown command "policy tst". Did you mean "policy test"?')
    expect((await cli(['frobnicate'])).stderr).toMatch(/^Error: Unknown command "frobnicate"\.\n/)
  })

  it('rejects an unknown flag as a usage error (exit 2)', async () => {
    const r = await cli(['list', '--bogus'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Nonexistent flag: --bogus')
  })
})

describe('build-ui', () => {
  it('runs the dashboard build script and finds index.html', async () => {
    const dir = tempDir()
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'fake-dashboard', private: true, scripts: { build: `node -e "require('fs').mkdirSync('build',{recursive:true});require('fs').writeFileSync('build/index.html','<h1>ok</h1>')"` } }),
    )
    const r = await cli(['build-ui', '--dir', dir, '--runner', 'npm'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`✓ UI built: ${join(dir, 'build')}`)
    expect(readFileSync(join(dir, 'build', 'index.html'), 'utf8')).toBe('<h1>ok</h1>')
    const dry = json<{ ran: boolean; command: string }>(await cli(['build-ui', '--dir', dir, '--dry-run', '--json']))
    expect(dry).toMatchObject({ ran: false, command: 'pnpm run build' })
  })

  it('fails with exit 3 when there is no dashboard', async () => {
    const r = await cli(['build-ui', '--dir', tempDir()])
    expect(r.code).toBe(3)
  })
})
