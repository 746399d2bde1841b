// Lays out the runtime stage's filesystem without Docker: every COPY of the final stage becomes a symlink
// to the file the build stage would have produced in this checkout, so the image's CMD and HEALTHCHECK can
// run as processes with the image's own ENV (with /app moved to a temp dir).
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, isAbsolute, join, posix } from 'node:path'
import type { Stage } from './dockerfile.js'
import { DrillError } from './errors.js'
import { repoRoot } from './paths.js'

export interface ImageRoot {
  /** Where the image's WORKDIR (/app) lives on this machine. */
  readonly appDir: string
  /** Rewrites an image path (/app/...) to this machine. */
  map(path: string): string
  /** The stage's ENV with image paths rewritten. */
  env: Record<string, string>
  cmd: string[]
  healthcheck: string[]
  remove(): void
}

/** Where a COPY source of the build stage is in this checkout (the build stage works in /src; /out is the
 *  `pnpm deploy` of apps/server, which is apps/server with its dependencies). */
function sourceInCheckout(from: string | null, src: string): string {
  if (from === null) return join(repoRoot, src)
  if (src === '/out') return join(repoRoot, 'apps', 'server')
  if (src.startsWith('/src/')) return join(repoRoot, src.slice('/src/'.length))
  throw new DrillError('BAD_FILE', `COPY --from=${from} ${src}: no equivalent in the checkout`)
}

/** Where a COPY source is on this machine: by default the checkout's build outputs (see above); the image
 *  build drill passes the folder where it replayed the build stage instead. */
export type SourceResolver = (from: string | null, src: string) => string

export function layOutImage(
  stage: Stage,
  owner?: { uid: number; gid: number },
  resolveSource: SourceResolver = sourceInCheckout,
): ImageRoot {
  const workdir = stage.workdir ?? '/'
  const root = mkdtempSync(join(tmpdir(), 'faramesh-image-'))
  chmodSync(root, 0o755)
  const appDir = join(root, 'app')
  mkdirSync(appDir, { recursive: true })
  const map = (p: string): string =>
    p === workdir || p.startsWith(workdir + '/') ? appDir + p.slice(workdir.length) : p

  for (const copy of stage.copies) {
    const destInImage = posix.isAbsolute(copy.dest) ? copy.dest : posix.join(workdir, copy.dest)
    for (const src of copy.sources) {
      const from = resolveSource(copy.from, src)
      if (!existsSync(from)) throw new DrillError('NOT_BUILT', `COPY source ${src} → ${from} does not exist`)
      const into = copy.dest.endsWith('/') || copy.sources.length > 1
      const target = map(into ? posix.join(destInImage, basename(src)) : destInImage)
      if (target === appDir)
        throw new DrillError('BAD_FILE', `COPY ${src} over the whole WORKDIR is not supported`)
      symlinkSync(from, target)
    }
  }
  // The RUN steps of the runtime stage only create the data dir for the `node` user.
  for (const volume of stage.volumes) {
    const dir = map(volume)
    mkdirSync(dir, { recursive: true })
    if (owner) chownSync(dir, owner.uid, owner.gid)
  }
  const env = Object.fromEntries(Object.entries(stage.env).map(([k, v]) => [k, isAbsolute(v) ? map(v) : v]))
  if (!stage.cmd) throw new DrillError('BAD_FILE', 'the runtime stage has no CMD')
  if (!stage.healthcheck) throw new DrillError('BAD_FILE', 'the runtime stage has no HEALTHCHECK')
  return {
    appDir,
    map,
    env,
    cmd: stage.cmd.map(map),
    healthcheck: stage.healthcheck.cmd.map(map),
    remove: () => rmSync(root, { recursive: true, force: true }),
  }
}
