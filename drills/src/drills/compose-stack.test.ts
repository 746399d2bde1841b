// docker/compose*.yaml as processes: each service runs the image's CMD with the image's ENV overlaid by the
// service's environment (as Docker does), service names resolved to 127.0.0.1 ports.
import { execFile, execFileSync } from 'node:child_process'
import { chmodSync, chownSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import type { Action } from '@faramesh/policy-core'
import { resolveCompose, serviceEnv, type ComposeFile } from '../harness/compose.js'
import { runtimeStage } from '../harness/dockerfile.js'
import { writeSigningKey } from '../harness/fleet.js'
import { gatewayEnv, startGatewayProcess } from '../harness/gateway-process.js'
import { layOutImage, type ImageRoot } from '../harness/image-root.js'
import { dockerDir } from '../harness/paths.js'
import { startPostgresCluster } from '../harness/postgres-cluster.js'
import { nonRootUser } from '../harness/users.js'
import { DRILL_TOKEN } from '../harness/workspace.js'

const run = promisify(execFile)
const read = (name: string): string => readFileSync(join(dockerDir, name), 'utf8')
const cleanups: Array<() => Promise<void> | void> = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

/** The image's ENV overlaid by a service's environment, image paths (/app/...) moved to the laid-out root. */
function containerEnv(image: ImageRoot, service: ComposeFile['services'][string]): Record<string, string> {
  const env = { ...image.env }
  for (const [k, v] of Object.entries(serviceEnv(service))) env[k] = v.startsWith('/') ? image.map(v) : v
  return env
}

function imageFor(): ImageRoot {
  const image = layOutImage(runtimeStage(read('Dockerfile')), nonRootUser())
  cleanups.push(() => image.remove())
  return image
}

/** docker/README.md's `openssl genpkey -algorithm ed25519`, when openssl is installed. */
function signingKeyAsReadmeSays(dir: string): string {
  const path = join(dir, 'ledger-signing-key.pem')
  try {
    execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', path], { stdio: 'ignore' })
    chmodSync(path, 0o400)
    return path
  } catch {
    return writeSigningKey(dir)
  }
}

/** Runs the demo agent service for a few iterations; resolves with its output once it exits 0. */
async function runDemoAgent(compose: ComposeFile, image: ImageRoot, gatewayUrl: string): Promise<string> {
  const svc = compose.services['demo-agent']!
  const env: Record<string, string> = {
    ...containerEnv(image, svc),
    DEMO_ITERATIONS: '5',
    DEMO_INTERVAL_MS: '0',
  }
  expect(env.FARAMESH_BASE_URL).toBe('http://faramesh:8000')
  env.FARAMESH_BASE_URL = gatewayUrl
  const [cmd, ...args] = svc.command!.map((p) => image.map(p))
  expect(cmd).toBe('node')
  const owner = nonRootUser()
  const { stdout } = await run(process.execPath, args, {
    cwd: image.appDir,
    env: gatewayEnv(env),
    timeout: 30_000,
    ...(owner ?? {}),
  })
  return stdout
}

async function demoActions(url: string, token?: string): Promise<Action[]> {
  const headers = token ? { authorization: `Bearer ${token}` } : undefined
  const res = await fetch(`${url}/v1/actions?agent_id=demo-agent&limit=100`, { headers })
  expect(res.status).toBe(200)
  return (await res.json()) as Action[]
}

describe('compose.yaml as processes: Postgres, gateway, demo agent', () => {
  it('the gateway starts on the compose environment as a non-owner Postgres role and the demo agent is governed', async () => {
    const compose = resolveCompose(read('compose.yaml'), 'compose.yaml', {
      FARAMESH_TOKEN: DRILL_TOKEN,
      POSTGRES_PASSWORD: 'compose-drill-pw',
    })
    const pg = await startPostgresCluster()
    cleanups.push(() => pg.destroy())
    // What the postgres image does with POSTGRES_USER / POSTGRES_DB: a login role owning its database.
    const pgEnv = serviceEnv(compose.services.postgres!)
    await pg.sql(`CREATE ROLE ${pgEnv.POSTGRES_USER} LOGIN PASSWORD '${pgEnv.POSTGRES_PASSWORD}'`)
    await pg.sql(`CREATE DATABASE ${pgEnv.POSTGRES_DB} OWNER ${pgEnv.POSTGRES_USER}`)

    const image = imageFor()
    const env = containerEnv(image, compose.services.faramesh!)
    expect(env.FARA_POSTGRES_DSN).toContain('@postgres:5432/')
    env.FARA_POSTGRES_DSN = env.FARA_POSTGRES_DSN!.replace('@postgres:5432/', `@127.0.0.1:${pg.port}/`)
    // The compose secret, mounted where the service expects it.
    expect(env.FARAMESH_SIGNING_KEY_FILE).toBe('/run/secrets/ledger_signing_key')
    env.FARAMESH_SIGNING_KEY_FILE = signingKeyAsReadmeSays(image.appDir)
    // Docker mounts the secret file as is: it must be readable by the image's user (docker/README.md).
    const owner = nonRootUser()
    if (owner) chownSync(env.FARAMESH_SIGNING_KEY_FILE, owner.uid, owner.gid)
    const gw = await startGatewayProcess({ command: image.cmd, cwd: image.appDir, env, ...(owner ?? {}) })
    cleanups.push(() => gw.stop())

    expect((await fetch(`${gw.url}/v1/actions`)).status).toBe(401)
    const out = await runDemoAgent(compose, image, gw.url)
    expect(out.match(/→/g)).toHaveLength(5)
    const actions = await demoActions(gw.url, DRILL_TOKEN)
    expect(actions).toHaveLength(5)
    const [table] = (await pg.sql(
      `SELECT tableowner FROM pg_tables WHERE schemaname = 'public' LIMIT 1`,
      pgEnv.POSTGRES_DB,
    )) as Array<{ tableowner: string }>
    expect(table?.tableowner).toBe(pgEnv.POSTGRES_USER)
  })
})

describe('compose.sqlite.yaml as processes: the seed demo', () => {
  it('starts with demo data and no token, and the demo agent is governed', async () => {
    const compose = resolveCompose(read('compose.sqlite.yaml'), 'compose.sqlite.yaml', {})
    const image = imageFor()
    const env = containerEnv(image, compose.services.faramesh!)
    expect(env.FARAMESH_DEMO).toBe('1')
    const gw = await startGatewayProcess({
      command: image.cmd,
      cwd: image.appDir,
      env,
      ...(nonRootUser() ?? {}),
    })
    cleanups.push(() => gw.stop())
    const seeded = (await (await fetch(`${gw.url}/v1/actions?limit=100`)).json()) as Action[]
    expect(seeded.length).toBeGreaterThan(0)
    const before = (await demoActions(gw.url)).length
    await runDemoAgent(compose, image, gw.url)
    expect(await demoActions(gw.url)).toHaveLength(before + 5)
  })
})
