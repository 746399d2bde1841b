// docker/: the files lint clean, and what the image and compose would run actually runs, as processes.
import { execFile, spawnSync } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lintDockerfile, parseStages, runtimeStage } from '../harness/dockerfile.js'
import { layOutImage, type ImageRoot } from '../harness/image-root.js'
import { parseComposeYaml, resolveCompose, serviceEnv, validateCompose } from '../harness/compose.js'
import { dockerDir, repoRoot } from '../harness/paths.js'
import { runWithSudo, shellLines, unsudoedAfterChown } from '../harness/shell-doc.js'
import { startGatewayProcess, type GatewayProcess } from '../harness/gateway-process.js'
import { nonRootUser } from '../harness/users.js'

const run = promisify(execFile)
const read = (name: string): string => readFileSync(join(dockerDir, name), 'utf8')
const dockerfile = read('Dockerfile')

describe('docker/Dockerfile', () => {
  it('passes dockerfile-utils and dockerfilelint with no findings', () => {
    expect(lintDockerfile(dockerfile)).toEqual([])
  })

  it('catches a broken Dockerfile (the lint is live)', () => {
    const problems = lintDockerfile('FROM node:22-slim\nHEALTHCHECK --interval=abc CMD true\nexpose 99999\n')
    expect(problems.length).toBeGreaterThan(0)
  })

  it('builds in one stage and runs a slim Node 22 image as a non-root user with a /ready healthcheck', () => {
    const stages = parseStages(dockerfile)
    expect(stages.length).toBeGreaterThanOrEqual(2)
    const build = stages[0]!
    expect(build.runs.join('\n')).toMatch(/--filter "@faramesh\/dashboard\.\.\."/)
    const rt = runtimeStage(dockerfile)
    expect(rt.image).toBe('node:22-slim')
    expect(rt.user).toBe('node')
    expect(rt.healthcheck?.cmd).toEqual(['node', '/app/healthcheck.mjs'])
    expect(read('healthcheck.mjs')).toContain('/ready')
    expect(rt.env.FARAMESH_UI_DIR).toBe('/app/ui')
    expect(rt.copies.some((c) => c.sources.includes('/src/apps/dashboard/build') && c.dest === './ui')).toBe(
      true,
    )
    expect(rt.volumes).toEqual(['/app/data'])
  })
})

describe('the image, run as processes', () => {
  let image: ImageRoot
  let gw: GatewayProcess | undefined

  beforeAll(async () => {
    const owner = nonRootUser()
    image = layOutImage(runtimeStage(dockerfile), owner)
    // The image listens on 0.0.0.0 behind Docker's port mapping; the harness keeps it on loopback.
    gw = await startGatewayProcess({
      command: image.cmd,
      cwd: image.appDir,
      env: image.env,
      ...(owner ?? {}),
    })
  })
  afterAll(async () => {
    await gw?.stop()
    image?.remove()
  })

  it('starts from CMD with the image ENV as a non-root user, and HEALTHCHECK passes', async () => {
    const [cmd, ...args] = image.healthcheck
    expect(cmd).toBe('node')
    const { stdout, stderr } = await run(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', FARAMESH_PORT: String(gw!.port) },
    })
    expect(stdout + stderr).toBe('')
  })

  it('fails HEALTHCHECK when nothing answers', async () => {
    const [, ...args] = image.healthcheck
    await expect(run(process.execPath, args, { env: { FARAMESH_PORT: '1' } })).rejects.toMatchObject({
      code: 1,
    })
  })

  it('serves the built-in dashboard at / and writes only under /app/data', async () => {
    const res = await fetch(gw!.url + '/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    const sub = await fetch(gw!.url + '/v1/actions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent_id: 'img', tool: 'http', operation: 'get', params: {} }),
    })
    expect(sub.status).toBe(200)
  })
})

describe('docker/compose*.yaml', () => {
  for (const name of ['compose.yaml', 'compose.sqlite.yaml']) {
    it(`${name} is valid under the Compose Specification schema`, () => {
      expect(validateCompose(parseComposeYaml(read(name), name))).toEqual([])
    })
  }

  it('the schema check is live: an unknown service key is reported', () => {
    expect(validateCompose({ services: { a: { image: 'x', imagee: 'y' } } }).length).toBeGreaterThan(0)
  })

  it('compose.yaml has Postgres with a volume, the gateway after a healthy Postgres, and a demo agent', () => {
    const c = resolveCompose(read('compose.yaml'), 'compose.yaml', {
      FARAMESH_TOKEN: 't',
      POSTGRES_PASSWORD: 'p',
    })
    expect(Object.keys(c.services).sort()).toEqual(['demo-agent', 'faramesh', 'postgres'])
    expect(c.services.postgres!.volumes).toContain('pgdata:/var/lib/postgresql/data')
    expect(c.volumes).toHaveProperty('pgdata')
    expect(c.services.faramesh!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } })
    expect(serviceEnv(c.services.faramesh!).FARA_POSTGRES_DSN).toBe(
      'postgres://faramesh:p@postgres:5432/faramesh',
    )
    expect(c.services['demo-agent']!.depends_on).toEqual({ faramesh: { condition: 'service_healthy' } })
  })

  it('compose.yaml refuses to start without a token or a database password', () => {
    expect(() => resolveCompose(read('compose.yaml'), 'compose.yaml', { POSTGRES_PASSWORD: 'p' })).toThrow(
      /FARAMESH_TOKEN/,
    )
    expect(() => resolveCompose(read('compose.yaml'), 'compose.yaml', { FARAMESH_TOKEN: 't' })).toThrow(
      /POSTGRES_PASSWORD/,
    )
  })
})

describe('the signing-key commands, as a user without root types them', () => {
  const readme = shellLines(read('README.md'))
  const keyLines = (lines: string[]) => lines.filter((l) => l.includes('ledger-signing-key'))
  /** What `faramesh init-docker` prints as next steps: the same key commands, numbered and indented. */
  const nextSteps = async (): Promise<string[]> => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-next-steps-'))
    try {
      const cli = join(repoRoot, 'packages', 'cli', 'bin', 'run.js')
      const { stdout } = await run(process.execPath, [cli, 'init-docker', '--dry-run', '--json', '--dir', dir])
      return (JSON.parse(stdout) as { next_steps: string[] }).next_steps.map((l) => l.replace(/^\s*(\d+\.\s+)?/, ''))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }

  it('docker/README.md and init-docker\'s next steps use sudo for every command on a file after a sudo chown of it', async () => {
    expect(keyLines(readme).length).toBeGreaterThanOrEqual(2)
    expect(unsudoedAfterChown(readme)).toEqual([])
    const steps = keyLines(await nextSteps())
    expect(steps).toEqual(keyLines(readme))
    expect(unsudoedAfterChown(steps)).toEqual([])
  })

  it('the check is live: it catches a chmod without sudo after sudo chown', () => {
    expect(unsudoedAfterChown(['sudo chown 1000:1000 k.pem && chmod 0400 k.pem'])).toEqual([
      { line: 'sudo chown 1000:1000 k.pem && chmod 0400 k.pem', command: 'chmod 0400 k.pem', path: 'k.pem' },
    ])
    expect(unsudoedAfterChown(['sudo chown -R 1000:1000 k.pem', 'cat k.pem | head'])).toHaveLength(1)
  })

  const user = nonRootUser()
  const openssl = spawnSync('openssl', ['version']).status === 0
  it.skipIf(!user || !openssl)(
    'run for real by a non-root user with sudo, they leave a key only uid 1000 (the image\'s node user) can read',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'faramesh-key-'))
      try {
        // The user's own docker/ folder. Docker bind-mounts the key file itself, so only the file's owner and mode
        // decide who reads it in the container; the folder is searchable here so that uid 1000 can try.
        chownSync(dir, user!.uid, user!.gid)
        chmodSync(dir, 0o755)
        for (const line of keyLines(readme)) expect(runWithSudo(line, dir, user!), line).toEqual({ ok: true })
        const key = join(dir, 'secrets', 'ledger-signing-key.pem')
        const st = statSync(key)
        expect({ uid: st.uid, gid: st.gid, mode: st.mode & 0o777 }).toEqual({ uid: 1000, gid: 1000, mode: 0o400 })
        const asUid = (uid: number) => spawnSync('openssl', ['pkey', '-in', key, '-noout'], { uid, gid: uid === 1000 ? 1000 : user!.gid })
        expect(asUid(1000).status).toBe(0)
        expect(asUid(user!.uid).status).not.toBe(0)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})
