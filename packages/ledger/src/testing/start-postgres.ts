// A real, throw-away Postgres for tests: a fresh cluster in a temp dir on a random 127.0.0.1 port, started from the
// Debian binaries in about a second (the initdb output is made once and copied per instance), dropped on stop().
// When running as root the server runs as the `postgres` user, because initdb and postgres refuse root.
import { spawn, spawnSync, type ChildProcess, type SpawnSyncOptions } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import postgres from 'postgres'

export interface PostgresInstance {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  dsn: string
  port: number
  dataDir: string
  /** Stop the server (immediate shutdown) and delete its files. */
  stop(): Promise<void>
}

export interface StartPostgresOptions {
  /** Directory with initdb and postgres; default $FARAMESH_PG_BIN or /usr/lib/postgresql/15/bin. */
  binDir?: string
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>
}

const running = new Set<ChildProcess>()
let exitHookInstalled = false

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresInstance> {
  const binDir = options.binDir ?? process.env.FARAMESH_PG_BIN ?? '/usr/lib/postgresql/15/bin'
  if (!existsSync(join(binDir, 'postgres'))) throw new Error(`no postgres binary in ${binDir} (set FARAMESH_PG_BIN)`)
  const owner = runAs()
  const template = ensureTemplate(binDir, owner)
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-pg-'))
  if (owner) chownSync(dir, owner.uid, owner.gid)
  const dataDir = join(dir, 'data')
  run('cp', ['-a', template, dataDir], owner, dir)
  const port = await freePort()
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: dir, max_connections: 200, ...options.settings }
  const args = ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])]
  const child = spawn(join(binDir, 'postgres'), args, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
    ...(owner ?? {}),
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  running.add(child)
  installExitHook()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const dsn = `postgres://postgres@127.0.0.1:${port}/postgres`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      // Immediate shutdown: the files are deleted next, so a shutdown checkpoint would only cost fsyncs.
      child.kill('SIGQUIT')
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(t)
    }
    running.delete(child)
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitReady(dsn, exited)
  } catch (err) {
    await stop()
    throw new Error(`postgres did not start: ${(err as Error).message}\n${stderr}`, { cause: err })
  }
  return { dsn, port, dataDir, stop }
}

function runAs(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'))
  if (!line) throw new Error('running as root but there is no postgres user to run the server as')
  const [, , uid, gid] = line.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}

function run(cmd: string, args: string[], owner: { uid: number; gid: number } | null, cwd: string): void {
  const opts: SpawnSyncOptions = { cwd, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, ...(owner ?? {}) }
  const r = spawnSync(cmd, args, opts)
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${String(r.stderr ?? r.error?.message ?? '')}`)
}

/** initdb once per machine/user/binaries; later starts copy it (initdb alone takes seconds). */
function ensureTemplate(binDir: string, owner: { uid: number; gid: number } | null): string {
  const tag = `${binDir.replace(/\W+/g, '_')}-${owner?.uid ?? process.getuid?.() ?? 'u'}`
  const template = join(tmpdir(), `faramesh-pg-template-v1-${tag}`)
  if (existsSync(join(template, 'PG_VERSION'))) return template
  const work = mkdtempSync(join(tmpdir(), 'faramesh-pg-init-'))
  if (owner) chownSync(work, owner.uid, owner.gid)
  const data = join(work, 'data')
  run(join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], owner, work)
  try {
    renameSync(data, template)
  } catch {
    // Another test worker won the race; its template is as good as ours.
  }
  rmSync(work, { recursive: true, force: true })
  return template
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

async function waitReady(dsn: string, exited: Promise<void>): Promise<void> {
  let dead = false
  void exited.then(() => (dead = true))
  const deadline = Date.now() + 30_000
  for (;;) {
    if (dead) throw new Error('the server exited')
    const sql = postgres(dsn, { max: 1, connect_timeout: 2, onnotice: () => undefined })
    try {
      await sql`select 1`
      return
    } catch (err) {
      if (Date.now() > deadline) throw err
    } finally {
      await sql.end({ timeout: 1 })
    }
    await new Promise((r) => setTimeout(r, 30))
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  // A test run that dies must not leave servers behind: immediate shutdown of whatever is still running.
  process.once('exit', () => {
    for (const c of running) c.kill('SIGQUIT')
  })
}
