// The Dockerfile's build stage replayed step by step (pnpm fetch, offline install, builds, pnpm deploy) and the
// runtime stage run from its output, as the image's non-root user. About a minute of installing and building,
// so it runs with DRILLS_FULL=1 only; docker-files.test.ts covers the runtime stage on every CI run.
import { execFile } from 'node:child_process'
import { readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import { parseStages } from '../harness/dockerfile.js'
import { startGatewayProcess, type GatewayProcess } from '../harness/gateway-process.js'
import { replayBuildStage, type ReplayedBuild } from '../harness/image-build.js'
import { layOutImage, type ImageRoot } from '../harness/image-root.js'
import { dockerDir, FULL } from '../harness/paths.js'
import { nonRootUser } from '../harness/users.js'

const run = promisify(execFile)
let build: ReplayedBuild | undefined
let image: ImageRoot | undefined
let gw: GatewayProcess | undefined
afterAll(async () => {
  await gw?.stop()
  image?.remove()
  build?.remove()
})

it.runIf(FULL)(
  'builds like the Dockerfile and runs the deployed gateway with only its production dependencies',
  { timeout: 600_000 },
  async () => {
    const stages = parseStages(readFileSync(join(dockerDir, 'Dockerfile'), 'utf8'))
    build = replayBuildStage(stages[0]!)
    console.log(
      build.log.map((l) => `${(l.ms / 1000).toFixed(1)} s  RUN ${l.command.replace(/\s+/g, ' ')}`).join('\n'),
    )
    const owner = nonRootUser()
    image = layOutImage(stages.at(-1)!, owner, build.resolve)
    // No link back into a workspace: the deployed server and its workspace dependencies stand on their own.
    const server = realpathSync(join(build.root, 'out', 'node_modules', '@faramesh', 'server'))
    expect(server.startsWith(build.root)).toBe(true)
    expect(realpathSync(join(server, '..', 'ledger')).startsWith(build.root)).toBe(true)
    gw = await startGatewayProcess({
      command: image.cmd,
      cwd: image.appDir,
      env: image.env,
      ...(owner ?? {}),
    })
    const [, ...hc] = image.healthcheck
    await run(process.execPath, hc, { env: { FARAMESH_PORT: String(gw.port) } })
    expect((await fetch(`${gw.url}/`)).headers.get('content-type')).toContain('text/html')
    const res = await fetch(`${gw.url}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent_id: 'image', tool: 'http', operation: 'get', params: {} }),
    })
    expect(res.status).toBe(200)
  },
)
