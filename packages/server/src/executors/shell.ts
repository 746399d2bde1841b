// The built-in `shell` executor (CONTRACT.md § Execution): runs params.cmd with /bin/sh in a process group of its own
// and a minimal environment, and keeps only the head of stdout/stderr so a chatty command cannot fill memory.
// An action's execution is all of its processes: when the shell exits, times out or is aborted, the whole group is
// killed, so a backgrounded `sleep 1000 &` neither outlives the action nor keeps it executing. A process that leaves
// the group (`setsid`) is beyond a group kill; if it still holds the output pipes, the action ends anyway after
// `drainMs`. A `wrapper` (a PID namespace such as bwrap --unshare-pid, another uid) confines what a group cannot.
import { spawn, type ChildProcess } from 'node:child_process'
import type { ActionRecord } from '@faramesh/ledger'
import { commandEnv } from './exec-env.js'
import type { ExecContext, ExecOutcome, Executor } from './types.js'

export const OUTPUT_LIMIT = 64 * 1024
/** How long output is still read after the shell exited and its group was killed. */
export const DRAIN_MS = 500

export interface ShellExecutorOptions {
  /** The whole environment of each command; default: PATH, HOME, LANG and TZ of this process. */
  env?: Record<string, string>
  /** Program and arguments that `/bin/sh -c <cmd>` runs under (bwrap, setpriv, sudo -u …); default none. */
  wrapper?: readonly string[]
  drainMs?: number
}

class Capture {
  chunks: Buffer[] = []
  size = 0
  truncated = false
  add(b: Buffer): void {
    const room = OUTPUT_LIMIT - this.size
    if (room <= 0) {
      this.truncated = true
      return
    }
    if (b.length > room) this.truncated = true
    const part = b.length > room ? b.subarray(0, room) : b
    this.chunks.push(part)
    this.size += part.length
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8')
  }
}

function failure(error: string): ExecOutcome {
  return { success: false, error, result: { exit_code: null }, meta: { executor: 'shell', error } }
}

/** SIGKILL to the command's whole process group (its pgid is the shell's pid: spawned detached). */
function killGroup(child: ChildProcess): void {
  if (!child.pid) return
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // ESRCH: the group is empty, nothing left to kill.
  }
}

function runShell(cmd: string, ctx: ExecContext, opts: Required<ShellExecutorOptions>): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    const started = Date.now()
    let child: ChildProcess
    try {
      const [file, ...args] = [...opts.wrapper, '/bin/sh', '-c', cmd]
      child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: opts.env })
    } catch (e) {
      // Invalid arguments (a NUL byte in cmd) throw here, before any process exists.
      resolve(failure(`spawn failed: ${(e as Error).message}`))
      return
    }
    // Null only when spawn failed early (EMFILE): 'error' below ends the run.
    const { stdout, stderr } = child
    const out = new Capture()
    const err = new Capture()
    let killedFor: 'timeout' | 'shutdown' | null = null
    let exitCode: number | null = null
    let exited = false
    let done = false
    let drain: NodeJS.Timeout | undefined
    const stop = (why: 'timeout' | 'shutdown'): void => {
      if (killedFor || exited) return
      killedFor = why
      killGroup(child)
    }
    const timer = setTimeout(() => stop('timeout'), ctx.timeoutSec * 1000)
    const onAbort = (): void => stop('shutdown')
    ctx.signal.addEventListener('abort', onAbort, { once: true })
    if (ctx.signal.aborted) onAbort()
    stdout?.on('data', (b: Buffer) => out.add(b))
    stderr?.on('data', (b: Buffer) => err.add(b))

    const finish = (spawnError?: Error): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearTimeout(drain)
      ctx.signal.removeEventListener('abort', onAbort)
      // A process that escaped the group may still hold the pipes: stop reading, or they would keep us here.
      stdout?.destroy()
      stderr?.destroy()
      const result = {
        exit_code: exitCode,
        stdout: out.text(),
        stderr: err.text(),
        stdout_truncated: out.truncated,
        stderr_truncated: err.truncated,
        duration_ms: Date.now() - started,
      }
      const error = spawnError
        ? `spawn failed: ${spawnError.message}`
        : killedFor === 'timeout'
          ? 'timeout'
          : killedFor === 'shutdown'
            ? 'aborted: gateway shutting down'
            : exitCode === 0
              ? null
              : `exit code ${exitCode}`
      resolve({ success: error === null, error, result, meta: { executor: 'shell', ...result } })
    }
    child.on('error', (e) => {
      // No pid: the process never started (ENOENT, EACCES, EAGAIN). With a pid it is a failed kill; exit follows.
      if (!child.pid) finish(e)
    })
    child.on('exit', (code) => {
      exited = true
      exitCode = code
      // Whatever the shell left running in its group ends with it.
      killGroup(child)
      drain = setTimeout(() => finish(), opts.drainMs)
    })
    // All pipes closed (every holder gone): nothing more to read.
    child.on('close', () => {
      if (exited) finish()
    })
  })
}

export function createShellExecutor(options: ShellExecutorOptions = {}): Executor {
  const opts: Required<ShellExecutorOptions> = {
    env: options.env ?? commandEnv((name) => process.env[name]),
    wrapper: options.wrapper ?? [],
    drainMs: options.drainMs ?? DRAIN_MS,
  }
  return {
    id: 'shell',
    tools: ['shell'],
    async run(action: ActionRecord, ctx: ExecContext): Promise<ExecOutcome> {
      const cmd = action.params.cmd
      if (typeof cmd !== 'string' || cmd.trim() === '') return failure('params.cmd must be a non-empty string')
      return runShell(cmd, ctx, opts)
    },
  }
}
