// init-docker writes the repository's docker/ files byte for byte (from the copies the build put in dist/),
// refuses to overwrite without --force, keeps a project's own policy, and the files ship in the npm tarball.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadPolicyFile } from '@faramesh/policy-core/node'
import { describe, expect, it } from 'vitest'
import { DOCKER_FILES } from '../src/templates/docker.js'
import { cli, json, PKG, REPO, tempDir } from './helpers.js'

const DOCKER = join(REPO, 'docker')
/** In docker/ but not for projects: documentation of this repository, and a developer's own secrets. */
const NOT_SHIPPED = new Set(['README.md', '.env', 'secrets'])

function expectCanonical(dir: string): void {
  for (const name of DOCKER_FILES) {
    const written = readFileSync(join(dir, 'docker', name))
    expect(written.equals(readFileSync(join(DOCKER, name))), `docker/${name} differs from the repository's`).toBe(true)
  }
}

describe('init-docker', () => {
  it('ships every file of docker/ that a project needs', () => {
    const inRepo = readdirSync(DOCKER).filter((name) => !NOT_SHIPPED.has(name))
    expect([...DOCKER_FILES].sort()).toEqual(inRepo.sort())
  })

  it('writes the files of docker/ byte for byte, a starter policy, and the next steps', async () => {
    const dir = tempDir()
    const r = await cli(['init-docker'], { cwd: dir })
    expect(r.code).toBe(0)
    expectCanonical(dir)
    expect(r.stdout).toContain('✓ created docker/compose.yaml')
    expect(r.stdout).toContain('✓ created policies/default.yaml')
    expect(r.stdout).toContain('cd docker && cp .env.example .env')
    expect(r.stdout).toMatch(/FARAMESH_IMAGE=.*\n.*\n.*FARAMESH_BUILD_CONTEXT=/)
    // compose mounts ../policies (relative to docker/): the policy is where it looks, and it is valid.
    expect(readFileSync(join(dir, 'docker', 'compose.yaml'), 'utf8')).toContain('${FARAMESH_POLICY_DIR:-../policies}:/app/policies:ro')
    expect(loadPolicyFile(join(dir, 'policies', 'default.yaml')).policy.rules.length).toBeGreaterThan(0)
  })

  it('refuses a second run without --force in one line (exit 6) and writes nothing', async () => {
    const dir = tempDir()
    expect((await cli(['init-docker'], { cwd: dir })).code).toBe(0)
    writeFileSync(join(dir, 'docker', 'compose.yaml'), 'edited\n')
    const again = await cli(['init-docker'], { cwd: dir })
    expect(again.code).toBe(6)
    expect(again.stdout).toBe('')
    expect(again.stderr).toBe(`Error: docker/Dockerfile and 7 more files already exist in ${dir}; nothing written (--force overwrites)\n`)
    expect(readFileSync(join(dir, 'docker', 'compose.yaml'), 'utf8')).toBe('edited\n')
    const j = json<{ error: { code: string; exit_code: number; details: { existing: string[] } } }>(await cli(['init-docker', '--json'], { cwd: dir }))
    expect(j.error).toMatchObject({ code: 'CONFLICT', exit_code: 6 })
    expect(j.error.details.existing).toHaveLength(DOCKER_FILES.length)
  })

  it('--force restores the canonical files but never touches the project policy', async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'policies'))
    writeFileSync(join(dir, 'policies', 'default.yaml'), 'rules: []\n')
    mkdirSync(join(dir, 'docker'))
    writeFileSync(join(dir, 'docker', 'Dockerfile'), 'FROM scratch\n')
    const r = json<{ created: string[]; overwritten: string[]; kept: string[] }>(await cli(['init-docker', '--force', '--json'], { cwd: dir }))
    expect(r.overwritten).toEqual(['docker/Dockerfile'])
    expect(r.created).toHaveLength(DOCKER_FILES.length - 1)
    expect(r.kept).toEqual(['policies/default.yaml'])
    expectCanonical(dir)
    expect(readFileSync(join(dir, 'policies', 'default.yaml'), 'utf8')).toBe('rules: []\n')
  })

  it('--dry-run lists the plan and writes nothing; --dir picks the project folder', async () => {
    const dir = tempDir()
    const r = await cli(['init-docker', '--dir', 'proj', '--dry-run'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('would create docker/healthcheck.mjs')
    expect(r.stdout).toContain('cd proj/docker && cp .env.example .env')
    expect(existsSync(join(dir, 'proj'))).toBe(false)
    expect((await cli(['init-docker', '--dir', 'proj'], { cwd: dir })).code).toBe(0)
    expectCanonical(join(dir, 'proj'))
  })

  it('the templates are in the npm tarball (dotfiles under stored names npm keeps)', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: PKG, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path)
    const packed = files.filter((f) => f.startsWith('dist/templates/docker/')).sort()
    expect(packed).toHaveLength(DOCKER_FILES.length)
    expect(packed).toContain('dist/templates/docker/dot.gitignore')
    expect(packed).toContain('dist/templates/docker/dot.env.example')
  })
})
