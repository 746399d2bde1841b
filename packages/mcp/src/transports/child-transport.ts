// An MCP server as a child process over stdio. Unlike the SDK's StdioClientTransport (client/stdio.js), it runs the
// child without a shell in its own process group (so a server's own children die with it), says how it ended (exit
// code, signal, or the first bad line it wrote), passes its stderr on prefixed with the server's name and through
// `redact`, and never hangs: a child that writes garbage, or exits, ends the transport with an UpstreamError.
import { spawn, type ChildProcess } from 'node:child_process'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { LineReader, serializeMessage, type Frame } from './line-framing.js'
import { UpstreamError } from './upstream-error.js'

/** A server's answer may carry a whole file: allow more than a client's request. */
export const DEFAULT_CHILD_MAX_LINE_BYTES = 16 * 1024 * 1024

export interface ChildOptions {
  /** The server's name: the stderr prefix and in every message. */
  name: string
  command: string
  args: string[]
  /** The child's whole environment (see child-env.ts). */
  env: Record<string, string>
  cwd?: string
  /** Where the child's stderr lines go (default: our stderr). */
  stderr?: (line: string) => void
  /** Masks secrets in anything the child says before it is passed on. */
  redact?: (text: string) => string
  maxLineBytes?: number
  /** close(): wait this long after ending stdin, then after SIGTERM, before the next step (default 2000 ms). */
  killGraceMs?: number
}

export interface ChildExit {
  code: number | null
  signal: NodeJS.Signals | null
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** $1: the group. `read` returns at end of input, which only comes when the owner closed the pipe or died. */
const REAPER = 'read -r _; kill -9 -"$1" 2>/dev/null; exit 0'

export class ChildTransport implements Transport {
  onclose?: () => void
  onerror?: (error: Error) => void
  onmessage?: (message: JSONRPCMessage) => void

  private child: ChildProcess | null = null
  private reaper: ChildProcess | null = null
  /** Killed when the child exited: its id may be another group's by now, so it is never signalled again. */
  private groupGone = false
  private closing = false
  private endedFlag = false
  private exitInfo: ChildExit | null = null
  private readonly exitedPromise: Promise<ChildExit>
  private resolveExit!: (e: ChildExit) => void
  private stderrRest = ''
  /** Why the transport ended, once it has: null while running, or when we closed it ourselves. */
  endError: UpstreamError | null = null

  constructor(private readonly o: ChildOptions) {
    this.exitedPromise = new Promise((r) => (this.resolveExit = r))
  }

  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Resolves when the direct child has exited. */
  get exited(): Promise<ChildExit> {
    return this.exitedPromise
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('ChildTransport already started')
    const child = spawn(this.o.command, this.o.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: this.o.env,
      ...(this.o.cwd !== undefined ? { cwd: this.o.cwd } : {}),
      // Its own process group: close() signals the whole group, grandchildren included.
      detached: true,
      shell: false,
      windowsHide: true,
    })
    this.child = child
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => {
        this.startReaper(child.pid!)
        resolve()
      })
      child.once('error', (err: NodeJS.ErrnoException) => {
        const e = new UpstreamError('upstream_exited', `upstream server '${this.o.name}' could not start '${this.o.command}': ${err.code ?? err.message}`)
        this.resolveExit({ code: null, signal: null })
        this.end(e)
        reject(e)
      })
    })
    const reader = new LineReader(this.o.maxLineBytes ?? DEFAULT_CHILD_MAX_LINE_BYTES)
    child.stdout.on('data', (chunk: Buffer) => this.frames(reader.push(chunk)))
    child.stdout.on('end', () => this.frames(reader.end()))
    child.stderr.on('data', (chunk: Buffer) => this.stderrChunk(chunk.toString('utf8')))
    child.stderr.on('end', () => this.flushStderr())
    // EPIPE when the child is gone: its exit is what we report.
    child.stdin.on('error', () => {})
    child.stdout.on('error', () => {})
    child.stderr.on('error', () => {})
    child.once('exit', (code, signal) => {
      this.exitInfo = { code, signal }
      // What the server left behind in its group (a backgrounded helper) dies with it, now, while the group's id
      // cannot yet have been reused; then the reaper has nothing left to guard.
      this.killGroup('SIGKILL')
      this.groupGone = true
      this.stopReaper()
      this.resolveExit(this.exitInfo)
      // Let the output it wrote before exiting be read, but never wait on a grandchild holding the pipe open.
      const settle = (): void => {
        this.flushStderr()
        this.end(this.closing ? null : new UpstreamError('upstream_exited', this.exitText(this.exitInfo!), this.exitInfo))
      }
      if (child.stdout.readableEnded) settle()
      else {
        const t = setTimeout(settle, 200)
        child.stdout.once('end', () => {
          clearTimeout(t)
          // frames from the 'end' listener above run first
          setImmediate(settle)
        })
      }
    })
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin
    if (!stdin || this.endedFlag || stdin.destroyed || stdin.writableEnded) {
      throw this.endError ?? new UpstreamError('upstream_exited', `upstream server '${this.o.name}' is not running`)
    }
    const ok = stdin.write(serializeMessage(message))
    if (!ok) await new Promise<void>((resolve) => {
      const done = (): void => {
        stdin.off('drain', done)
        stdin.off('close', done)
        resolve()
      }
      stdin.once('drain', done)
      stdin.once('close', done)
    })
  }

  /** End stdin, then SIGTERM the group, then SIGKILL it; resolves once the child has exited. */
  async close(): Promise<void> {
    const child = this.child
    if (!child || this.exitInfo || child.exitCode !== null || child.signalCode !== null) {
      this.killGroup('SIGKILL')
      this.stopReaper()
      this.end(null)
      return
    }
    this.closing = true
    const grace = this.o.killGraceMs ?? 2000
    child.stdin?.end()
    const exitedIn = (ms: number): Promise<boolean> => Promise.race([this.exitedPromise.then(() => true), sleep(ms).then(() => false)])
    if (!(await exitedIn(grace))) {
      this.killGroup('SIGTERM')
      if (!(await exitedIn(grace))) {
        this.killGroup('SIGKILL')
        await exitedIn(grace)
      }
    }
    // Whatever the server left behind in its group (a backgrounded helper) goes with it.
    this.killGroup('SIGKILL')
    this.stopReaper()
    this.end(null)
  }

  private startReaper(pgid: number): void {
    let reaper: ChildProcess
    try {
      reaper = spawn('/bin/sh', ['-c', REAPER, 'faramesh-reaper', String(pgid)], { stdio: ['pipe', 'ignore', 'ignore'], detached: true })
    } catch (err) {
      this.emitStderr(`faramesh: no reaper for this server (${(err as Error).message}): it may outlive a wrapper killed with SIGKILL`)
      return
    }
    reaper.once('error', (err) => this.emitStderr(`faramesh: no reaper for this server (${err.message}): it may outlive a wrapper killed with SIGKILL`))
    reaper.stdin!.on('error', () => {})
    // Neither the reaper nor its pipe keeps this process alive.
    reaper.unref()
    ;(reaper.stdin as unknown as { unref?: () => void }).unref?.()
    this.reaper = reaper
  }

  /** The group is gone (or about to be killed by us): end the reaper directly, never through its pipe. */
  private stopReaper(): void {
    const r = this.reaper
    this.reaper = null
    if (r && r.exitCode === null && r.signalCode === null) r.kill('SIGKILL')
  }

  private killGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid
    if (pid === undefined || this.groupGone) return
    try {
      process.kill(-pid, signal)
    } catch {
      // ESRCH: the group is already gone
    }
  }

  private exitText(e: ChildExit): string {
    const how = e.signal ? `was killed by ${e.signal}` : `exited with code ${e.code}`
    return `upstream server '${this.o.name}' ${how}`
  }

  private frames(frames: Frame[]): void {
    for (const f of frames) {
      if (this.endedFlag) return
      if (f.kind === 'message') {
        this.onmessage?.(f.message)
        continue
      }
      const what =
        f.kind === 'oversized'
          ? `a line of ${f.bytes} bytes (over ${this.o.maxLineBytes ?? DEFAULT_CHILD_MAX_LINE_BYTES})`
          : f.kind === 'parse_error'
            ? `non-JSON output: ${this.redact(f.excerpt)}`
            : `JSON that is not a JSON-RPC message: ${this.redact(f.excerpt)}`
      this.end(new UpstreamError('upstream_bad_output', `upstream server '${this.o.name}' wrote ${what}`))
      void this.close()
      return
    }
  }

  private redact(text: string): string {
    return this.o.redact ? this.o.redact(text) : text
  }

  private stderrChunk(text: string): void {
    const lines = (this.stderrRest + text).split('\n')
    this.stderrRest = lines.pop() ?? ''
    // A child that never writes a newline must not grow this without bound.
    if (this.stderrRest.length > 64 * 1024) {
      lines.push(this.stderrRest)
      this.stderrRest = ''
    }
    for (const line of lines) this.emitStderr(line)
  }

  private flushStderr(): void {
    if (this.stderrRest !== '') this.emitStderr(this.stderrRest)
    this.stderrRest = ''
  }

  private emitStderr(line: string): void {
    const text = `[${this.o.name}] ${this.redact(line.replace(/\r$/, ''))}`
    if (this.o.stderr) this.o.stderr(text)
    else process.stderr.write(`${text}\n`)
  }

  /** Once: record why, tell onerror (when it is the server's fault), then onclose. */
  private end(error: UpstreamError | null): void {
    if (this.endedFlag) return
    this.endedFlag = true
    this.endError = error
    if (error) this.onerror?.(error)
    this.onclose?.()
  }
}
