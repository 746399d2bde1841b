// The name a wrapped server is known by (tool `mcp:<name>`) when --name is not given: the command's basename, or for
// a launcher the package or script it launches (`npx -y @modelcontextprotocol/server-filesystem@1 /d` → server-filesystem).
import { basename } from 'node:path'

export const SERVER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/

const LAUNCHERS = new Set(['npx', 'uvx', 'node', 'nodejs', 'docker', 'podman', 'bunx', 'bun', 'deno', 'pnpm', 'pnpx', 'yarn', 'uv', 'python', 'python3', 'pipx'])
/** Words a launcher takes before the thing it runs. */
const SUBCOMMANDS = new Set(['run', 'exec', 'dlx', 'x', 'tool'])

/** File names that say nothing about the server: name it after its package directory instead. */
const GENERIC_FILES = new Set(['index', 'main', 'cli', 'server', 'run', 'start'])
const BUILD_DIRS = new Set(['dist', 'build', 'lib', 'src', 'bin', 'out'])

function fromPath(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.' && p !== '..')
  let file = (parts.pop() ?? '').replace(/\.(m?js|cjs|ts|py|exe)$/i, '')
  while (GENERIC_FILES.has(file.toLowerCase()) || BUILD_DIRS.has(file.toLowerCase())) {
    const up = parts.pop()
    if (up === undefined) break
    file = up
  }
  return file
}

function clean(word: string): string {
  // a path (./server.js, /srv/mcp/fs/dist/index.js): its file, or the package directory it lives in
  let w = /^(\.{0,2}[\\/]|[A-Za-z]:\\)/.test(word) ? fromPath(word) : word
  // @scope/name@version → name; name@version → name
  if (w.startsWith('@')) w = w.slice(w.indexOf('/') + 1)
  const at = w.indexOf('@')
  if (at > 0) w = w.slice(0, at)
  // an image reference: registry/org/name:tag → name
  w = basename(w).replace(/:.*$/, '')
  w = w.replace(/\.(m?js|cjs|ts|py|exe)$/i, '')
  return w
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 63)
}

export function defaultServerName(command: string, args: readonly string[]): string {
  const base = basename(command).replace(/\.exe$/i, '')
  if (LAUNCHERS.has(base)) {
    const target = args.find((a) => !a.startsWith('-') && !SUBCOMMANDS.has(a))
    if (target) {
      const name = clean(target)
      if (SERVER_NAME.test(name)) return name
    }
  }
  const name = clean(base)
  return SERVER_NAME.test(name) ? name : 'mcp'
}
