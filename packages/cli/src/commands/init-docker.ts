import { Flags } from '@oclif/core'
import { resolve } from 'node:path'
import { BaseCommand } from '../base-command.js'
import { paint } from '../output/color.js'
import { scaffold } from '../scaffold.js'
import { COMPOSE, DOCKERFILE, DOCKERIGNORE } from '../templates/docker.js'

export class InitDocker extends BaseCommand<typeof InitDocker> {
  static override summary = 'Generate a Dockerfile, docker-compose.yaml and .dockerignore for this project'
  static override examples = ['<%= config.bin %> init-docker', '<%= config.bin %> init-docker --force && docker compose up']
  static override flags = {
    dir: Flags.string({ description: 'Folder to create the files in', default: '.' }),
    force: Flags.boolean({ description: 'Overwrite files that already exist' }),
  }

  async run(): Promise<void> {
    const dir = resolve(this.flags.dir)
    const result = scaffold(
      dir,
      [
        { path: 'Dockerfile', content: DOCKERFILE },
        { path: 'docker-compose.yaml', content: COMPOSE },
        { path: '.dockerignore', content: DOCKERIGNORE },
      ],
      this.flags.force,
    )
    this.output({ dir, ...result }, () => [
      ...[...result.created, ...result.overwritten].map((f) => `${paint('green', '✓')} ${f}`),
      ...result.skipped.map((f) => `${paint('yellow', '!')} ${f} exists (kept; --force overwrites)`),
      '',
      'Next: docker compose up   (the gateway listens on http://localhost:8000)',
    ])
  }
}
