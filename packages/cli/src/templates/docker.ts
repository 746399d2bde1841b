// The files `faramesh init-docker` writes are the repository's own docker/ files, byte for byte: the build
// (scripts/copy-docker-templates.js) copies them into dist/templates/docker, so the CLI can never drift from
// what docker/README.md documents. This module is the one list of them; the build script imports it too.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CliError } from '../errors.js'

/** Every file of docker/ that a project needs (README.md is about this repository; .env and secrets/ are never copied). */
export const DOCKER_FILES = [
  'Dockerfile',
  'Dockerfile.dockerignore',
  'compose.yaml',
  'compose.sqlite.yaml',
  '.env.example',
  '.gitignore',
  'healthcheck.mjs',
  'demo-agent.mjs',
] as const

/** Folder, relative to the project, that receives them: compose's `../policies` default then finds the project's policies. */
export const DOCKER_SUBDIR = 'docker'

/**
 * The name a file is stored under inside the package. `npm pack` leaves out `.gitignore` files, so dotfiles are
 * stored as `dot.gitignore`, `dot.env.example`.
 */
export function storedName(name: string): string {
  return name.startsWith('.') ? `dot${name}` : name
}

/** dist/templates/docker, next to this module once compiled. */
export function dockerTemplateDir(): string {
  return fileURLToPath(new URL('./docker/', import.meta.url))
}

export interface DockerTemplate {
  path: string
  content: Buffer
}

/** The packaged files as bytes; a missing one means a broken install, not a user mistake. */
export function readDockerTemplates(dir: string = dockerTemplateDir()): DockerTemplate[] {
  return DOCKER_FILES.map((name) => {
    const source = join(dir, storedName(name))
    try {
      return { path: name, content: readFileSync(source) }
    } catch (err) {
      throw new CliError('IO', `The CLI package is missing its template ${source}`, {
        hint: 'Reinstall @faramesh/cli (in the repository: pnpm --filter @faramesh/cli run build).',
        cause: err,
      })
    }
  })
}
