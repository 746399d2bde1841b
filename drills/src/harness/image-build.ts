// Replays the Dockerfile's build stage without Docker: its COPY and RUN steps, in order, in a temp folder
// standing in for the container's filesystem (/src, /out). System set-up steps (apt-get, a global pnpm) are
// skipped: this machine already has them. The build context is the checkout's files that git would commit.
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix } from 'node:path'
import type { Stage } from './dockerfile.js'
import { DrillError } from './errors.js'
import type { SourceResolver } from './image-root.js'
import { repoRoot } from './paths.js'

export interface ReplayedBuild {
  readonly root: string
  /** COPY --from=<this stage> sources, resolved into the replayed filesystem. */
  resolve: SourceResolver
  /** Each RUN with its duration, for the report. */
  log: Array<{ command: string; ms: number }>
  remove(): void
}

const SYSTEM_STEP = /^(apt-get|npm install -g)\b/

function contextFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  return out.split('\0').filter((f) => f && !f.startsWith('docker/secrets/'))
}

export function replayBuildStage(stage: Stage): ReplayedBuild {
  const root = mkdtempSync(join(tmpdir(), 'faramesh-image-build-'))
  // Readable by the unprivileged user the runtime stage runs as, like an image's layers.
  chmodSync(root, 0o755)
  const inRoot = (p: string): string => join(root, p)
  // Absolute container paths in commands become paths under root.
  const mapCommand = (cmd: string): string =>
    cmd.replace(/(^|[\s=])\/(src|out)\b/g, (_, pre: string, dir: string) => `${pre}${inRoot(dir)}`)
  let workdir = '/'
  const log: ReplayedBuild['log'] = []
  for (const step of stage.steps) {
    if (step.keyword === 'WORKDIR') {
      workdir = posix.resolve(workdir, step.args[0] ?? '/')
      mkdirSync(inRoot(workdir), { recursive: true })
    } else if (step.keyword === 'COPY') {
      if (step.from) throw new DrillError('BAD_FILE', `COPY --from in the build stage is not supported`)
      const destArg = step.args.at(-1) ?? '.'
      const sources = step.args.slice(0, -1)
      const dest = posix.resolve(workdir, destArg)
      for (const src of sources) {
        if (src === '.') {
          for (const f of contextFiles()) {
            mkdirSync(dirname(join(inRoot(dest), f)), { recursive: true })
            copyFileSync(join(repoRoot, f), join(inRoot(dest), f))
          }
        } else if (statSync(join(repoRoot, src)).isDirectory()) {
          // Docker copies a directory's contents into the destination.
          cpSync(join(repoRoot, src), inRoot(dest), { recursive: true })
        } else {
          const into = destArg.endsWith('/') || sources.length > 1
          const target = into ? join(inRoot(dest), posix.basename(src)) : inRoot(dest)
          mkdirSync(dirname(target), { recursive: true })
          copyFileSync(join(repoRoot, src), target)
        }
      }
    } else if (step.keyword === 'RUN') {
      const command = step.args[0] ?? ''
      if (SYSTEM_STEP.test(command)) continue
      const started = Date.now()
      try {
        // Installs share this machine's pnpm store with other work: take the same lock as everyone else.
        const argv = /^pnpm (fetch|install)\b/.test(command)
          ? ['flock', '/tmp/pnpm-install.lock', 'sh', '-c', mapCommand(command)]
          : ['sh', '-c', mapCommand(command)]
        execFileSync(argv[0]!, argv.slice(1), {
          cwd: inRoot(workdir),
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', CI: 'true' },
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 600_000,
          maxBuffer: 64 * 1024 * 1024,
        })
      } catch (err) {
        const e = err as { stdout?: Buffer; stderr?: Buffer }
        const all = `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`
        // A recursive pnpm run reports the failing package's errors mid-output: show those, then the tail.
        const errors = all.split('\n').filter((l) => /error/i.test(l)).slice(0, 40).join('\n')
        const output = `${errors}\n…\n${all.slice(-2000)}`
        throw new DrillError('BAD_FILE', `RUN ${command} failed:\n${output}`, { cause: err })
      }
      log.push({ command, ms: Date.now() - started })
    }
  }
  return {
    root,
    log,
    resolve: (from, src) => {
      if (from === null) return join(repoRoot, src)
      if (from !== stage.name) throw new DrillError('BAD_FILE', `COPY --from=${from}: unknown stage`)
      return inRoot(src)
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  }
}
