import { Flags } from '@oclif/core'
import { existsSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { BaseCommand } from '../base-command.js'
import { CliError } from '../errors.js'
import { paint } from '../output/color.js'
import { scaffold, type ScaffoldFile } from '../scaffold.js'
import { DOCKER_SUBDIR, readDockerTemplates } from '../templates/docker.js'
import { dockerNextSteps } from '../templates/docker-next-steps.js'
import { STARTER_POLICY } from '../templates/project.js'

const POLICY = 'policies/default.yaml'

export class InitDocker extends BaseCommand<typeof InitDocker> {
  static override summary = "Write the repository's Docker files (Dockerfile, compose files, .env.example) into docker/"
  static override description = `Writes the same files as docker/ in the Faramesh repository into <dir>/docker, and a starter
policies/default.yaml when <dir> has none (compose mounts ../policies into the gateway). Refuses to overwrite
any existing file unless --force; an existing policies/default.yaml is always kept. Prints the next steps:
outside the Faramesh repository there is no source to build, so compose needs FARAMESH_IMAGE (an image you
pushed) or FARAMESH_BUILD_CONTEXT (a Faramesh checkout).`
  static override examples = [
    '<%= config.bin %> init-docker',
    '<%= config.bin %> init-docker --dir my-agent --dry-run',
    '<%= config.bin %> init-docker --force   # overwrite docker/* with this version of the files',
  ]
  static override flags = {
    dir: Flags.string({ description: 'Project folder: the files go in <dir>/docker, the starter policy in <dir>/policies', default: '.' }),
    force: Flags.boolean({ description: 'Overwrite Docker files that already exist (never policies/default.yaml)' }),
    'dry-run': Flags.boolean({ description: 'Only list what would be written' }),
  }

  async run(): Promise<void> {
    const dir = resolve(this.flags.dir)
    const dryRun = this.flags['dry-run']
    const docker: ScaffoldFile[] = readDockerTemplates().map((t) => ({ path: `${DOCKER_SUBDIR}/${t.path}`, content: t.content }))
    const existing = docker.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path)
    if (existing.length > 0 && !this.flags.force) {
      const what = existing.length === 1 ? `${existing[0]} already exists` : `${existing[0]} and ${existing.length - 1} more files already exist`
      throw new CliError('CONFLICT', `${what} in ${dir}; nothing written (--force overwrites)`, { details: { existing } })
    }
    const keepPolicy = existsSync(join(dir, POLICY))
    const files = keepPolicy ? docker : [...docker, { path: POLICY, content: STARTER_POLICY }]
    const result = scaffold(dir, files, true, dryRun)
    const dockerDir = relative(process.cwd(), join(dir, DOCKER_SUBDIR)) || '.'
    const nextSteps = dockerNextSteps(dockerDir)
    const data = { dir, dry_run: dryRun, created: result.created, overwritten: result.overwritten, kept: keepPolicy ? [POLICY] : [], next_steps: nextSteps }
    this.output(data, () => {
      const verb = (created: boolean): string => (dryRun ? (created ? 'would create' : 'would overwrite') : created ? 'created' : 'overwrote')
      const line = (f: string, created: boolean): string => `${paint('green', '✓')} ${verb(created)} ${f}${f === POLICY ? paint('dim', '  (starter policy, mounted at /app/policies)') : ''}`
      return [
        ...result.created.map((f) => line(f, true)),
        ...result.overwritten.map((f) => line(f, false)),
        ...(keepPolicy ? [`${paint('yellow', '!')} kept ${POLICY} (mounted at /app/policies)`] : []),
        '',
        paint('bold', 'Next steps:'),
        ...nextSteps.map((s) => `  ${s}`),
      ]
    })
  }
}
