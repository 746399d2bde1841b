// docker/: the files lint clean, and what the image and compose would run actually runs, as processes.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lintDockerfile, parseStages, runtimeStage } from '../harness/dockerfile.js'
import { layOutImage, type ImageRoot } from '../harness/image-root.js'
import { parseComposeYaml, resolveCompose, serviceEnv, validateCompose } from '../harness/compose.js'
import { dockerDir } from '../harness/paths.js'
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
