import { execFileSync } from 'node:child_process'

/** When we are root, the unprivileged `nobody` user to run "image" processes as (the image runs as `node`). */
export function nonRootUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const id = (flag: string): number =>
    Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8' }).trim())
  return { uid: id('-u'), gid: id('-g') }
}
