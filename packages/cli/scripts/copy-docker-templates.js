// Copies the repository's docker/ files into dist/templates/docker after `tsc`, so `faramesh init-docker` writes
// exactly what docker/README.md documents. The list of files lives in src/templates/docker.ts (imported from
// dist here) so the command and the build can never disagree. Fails the build when a file is missing.
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DOCKER_FILES, dockerTemplateDir, storedName } from '../dist/templates/docker.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, '..', '..', 'docker')
const target = dockerTemplateDir()

const missing = DOCKER_FILES.filter((name) => !existsSync(join(source, name)))
if (missing.length > 0) {
  console.error(`copy-docker-templates: missing in ${source}: ${missing.join(', ')}`)
  process.exit(1)
}
// Start clean so a file dropped from the list does not linger in the published package.
rmSync(target, { recursive: true, force: true })
mkdirSync(target, { recursive: true })
for (const name of DOCKER_FILES) copyFileSync(join(source, name), join(target, storedName(name)))
console.log(`dist/templates/docker: ${DOCKER_FILES.length} files from docker/`)
