// Where the drills find the repository's build outputs, wherever they run from (src under vitest, dist for
// the bench).
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DrillError } from './errors.js'

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir)
    if (up === dir) throw new DrillError('NOT_BUILT', 'cannot find the repository root (pnpm-workspace.yaml)')
    dir = up
  }
  return dir
}

export const repoRoot = findRepoRoot()
export const dockerDir = join(repoRoot, 'docker')
export const gatewayMain = join(repoRoot, 'apps', 'server', 'dist', 'main.js')

/** The gateway entry point, or a clear error telling how to build it. */
export function requireGatewayBuild(): string {
  if (!existsSync(gatewayMain)) {
    throw new DrillError('NOT_BUILT', `${gatewayMain}: run \`pnpm --filter @faramesh/drills... run build\``)
  }
  return gatewayMain
}

/** Full-size drills only when asked for (DRILLS_FULL=1); CI runs the reduced sizes. */
export const FULL = process.env.DRILLS_FULL === '1'

export function size(ci: number, full: number): number {
  return FULL ? full : ci
}
