// The built-in `shell` executor (CONTRACT.md § Execution): runs params.cmd with /bin/sh and a minimal environment,
// kills the whole process group on timeout or shutdown, and keeps only the head of stdout/stderr so a chatty command
// cannot fill memory.
import { spawn } from 'node:child_process'
import type { ActionRecord } from '@faramesh/ledger'
import { commandEnv } from './exec-env.js'
import type { ExecContext, ExecOutcome, Executor } from './types.js'

export const OUTPUT_LIMIT = 64 * 1024

export interface ShellExecutorOptions {
  /** The whole environment of each command; default: PATH, HOME, LANG and TZ of this process. */
  env?: Record<string, string>
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

function runShell(cmd: string, ctx: ExecContext, env: Record<string, string>): Promise<ExecOutcome> {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn('/bin/sh', ['-c', cmd], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env })
    const out = new Capture()
    const err = new Capture()
    let killedFor: 'timeout' | 'shutdown' | null = null
    const kill = (why: 'timeout' | 'shutdown'): void => {
      if (killedFor) return
      killedFor = why
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }
    const timer = setTimeout(() => kill('timeout'), ctx.timeoutSec * 1000)
    const onAbort = (): void => kill('shutdown')
    ctx.signal.addEventListener('abort', onAbort, { once: true })
    if (ctx.signal.aborted) onAbort()
    child.stdout.on('data', (b: Buffer) => out.add(b))
    child.stderr.on('data', (b: Buffer) => err.add(b))
    const finish = (exitCode: number | null, spawnError?: Error): void => {
      clearTimeout(timer)
      ctx.signal.removeEventListener('abort', onAbort)
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
    child.on('error', (e) => finish(null, e))
    child.on('close', (code) => finish(code))
  })
}

export function createShellExecutor(options: ShellExecutorOptions = {}): Executor {
  const env = options.env ?? commandEnv((name) => process.env[name])
  return {
    id: 'shell',
    tools: ['shell'],
    async run(action: ActionRecord, ctx: ExecContext): Promise<ExecOutcome> {
      const cmd = action.params.cmd
      if (typeof cmd !== 'string' || cmd.trim() === '') {
        const error = 'params.cmd must be a non-empty string'
        return { success: false, error, result: { exit_code: null }, meta: { executor: 'shell', error } }
      }
      return runShell(cmd, ctx, env)
    },
  }
}
