// A real gateway process (node apps/server/dist/main.js) on 127.0.0.1, configured only through its
// environment, exactly as the Docker image runs it.
import { spawn, type ChildProcess } from 'node:child_process'
import { DrillError } from './errors.js'
import { requireGatewayBuild } from './paths.js'
import { freePort } from './ports.js'

export interface GatewayOptions {
  /** FARAMESH_* / FARA_* settings (CONTRACT § Configuration). Host and port are always set by the harness. */
  env: Record<string, string>
  /** Working directory (its .env is read); use a temp dir so the repo's .env never leaks in. */
  cwd: string
  /** Command to run instead of `node apps/server/dist/main.js` (e.g. the Dockerfile's CMD). */
  command?: string[]
  port?: number
  uid?: number
  gid?: number
  /** Resolve start() as soon as the process listens, without waiting for /ready. */
  waitFor?: 'ready' | 'health' | 'none'
  readyTimeoutMs?: number
}

export interface GatewayProcess {
  readonly url: string
  readonly port: number
  readonly pid: number
  readonly child: ChildProcess
  /** stdout and stderr so far (last 256 kB). */
  output(): string
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  waitReady(timeoutMs?: number): Promise<void>
  kill9(): Promise<void>
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

const PASS_THROUGH = ['PATH', 'HOME', 'LANG', 'TZ', 'TMPDIR']

export function gatewayEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const key of PASS_THROUGH) {
    const value = process.env[key]
    if (value !== undefined) env[key] = value
  }
  // DRILLS_NODE_OPTIONS reaches the gateways as NODE_OPTIONS (e.g. --cpu-prof, or --import a hook).
  const nodeOptions = process.env.DRILLS_NODE_OPTIONS
  return { ...env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}), ...extra }
}

export async function startGatewayProcess(opts: GatewayOptions): Promise<GatewayProcess> {
  const port = opts.port ?? (await freePort())
  const [cmd, ...args] = opts.command ?? [process.execPath, requireGatewayBuild()]
  // Drills listen on loopback only, on the port the harness chose, whatever the env under test says.
  const env = gatewayEnv({ ...opts.env, FARAMESH_HOST: '127.0.0.1', FARAMESH_PORT: String(port) })
  const child = spawn(cmd === 'node' ? process.execPath : cmd!, args, {
    cwd: opts.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  })
  let out = ''
  const append = (chunk: Buffer): void => {
    out = (out + chunk.toString('utf8')).slice(-256 * 1024)
  }
  child.stdout.on('data', append)
  child.stderr.on('data', append)
  let done = false
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true
      resolve({ code, signal })
    })
  })
  const url = `http://127.0.0.1:${port}`

  const poll = async (path: string, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (done) throw new DrillError('START_FAILED', `gateway on ${url} exited:\n${out}`)
      try {
        const res = await fetch(url + path, { signal: AbortSignal.timeout(1000) })
        if (res.ok) return
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new DrillError('NOT_READY', `${url}${path} after ${timeoutMs} ms:\n${out}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  const gw: GatewayProcess = {
    url,
    port,
    pid: child.pid ?? -1,
    child,
    output: () => out,
    exited,
    waitReady: (timeoutMs = opts.readyTimeoutMs ?? 20_000) => poll('/ready', timeoutMs),
    async kill9() {
      if (!done) child.kill('SIGKILL')
      await exited
    },
    async stop(graceMs = 5000) {
      if (done) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
  }
  const waitFor = opts.waitFor ?? 'ready'
  try {
    if (waitFor === 'ready') await gw.waitReady()
    else if (waitFor === 'health') await poll('/health', opts.readyTimeoutMs ?? 20_000)
  } catch (err) {
    await gw.kill9()
    throw err
  }
  return gw
}
