// Every command extends this: global flags, `--json` vs human output, the API client, and one error path
// (thrown value → CliError → one-line message or JSON → documented exit code).
import { Command, Flags, type Interfaces } from '@oclif/core'
import type { Gateway } from './api/gateway.js'
import { CliError, type CliErrorCode } from './errors.js'
import { effectiveEnv, resolveTarget, type ApiTarget } from './config.js'
import { toCliError, exitCodeFor } from './exit-codes.js'
import { disableColor, forTerminal, paint } from './output/color.js'
import { stableJson } from './output/json.js'
import { terminalSafeJson } from './output/terminal.js'

export type FlagsOf<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type ArgsOf<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    host: Flags.string({ description: 'Gateway host [env: FARAMESH_HOST]', helpGroup: 'GLOBAL' }),
    port: Flags.integer({ description: 'Gateway port [env: FARAMESH_PORT]; for serve, 0 picks a free port', helpGroup: 'GLOBAL', min: 0, max: 65535 }),
    token: Flags.string({ description: 'API token [env: FARAMESH_TOKEN]', helpGroup: 'GLOBAL' }),
    json: Flags.boolean({ description: 'Print machine-readable JSON', helpGroup: 'GLOBAL' }),
    color: Flags.boolean({ description: 'Colour output (default: when a terminal; NO_COLOR turns it off)', allowNo: true, helpGroup: 'GLOBAL' }),
  }

  protected flags!: FlagsOf<T>
  protected args!: ArgsOf<T>
  private gateway: Gateway | undefined

  override async init(): Promise<void> {
    await super.init()
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as FlagsOf<T>
    this.args = args as ArgsOf<T>
    if (this.flags.color === false) disableColor()
  }

  /** The environment the command sees: real variables over `.env` in the working directory. */
  protected env(): Record<string, string | undefined> {
    return effectiveEnv(process.env, process.cwd())
  }

  protected target(): ApiTarget {
    return resolveTarget({ host: this.flags.host, port: this.flags.port, token: this.flags.token }, this.env())
  }

  /** The gateway client, loaded on first use so offline commands never pay for it. */
  protected async api(): Promise<Gateway> {
    if (!this.gateway) {
      const { createGateway } = await import('./api/gateway.js')
      this.gateway = createGateway(this.target())
    }
    return this.gateway
  }

  protected get jsonMode(): boolean {
    return this.flags?.json ?? this.argv.includes('--json')
  }

  /**
   * Every line a command prints: gateway data in it (an agent's tool, operation, reported error) must not act on the
   * terminal, so human text keeps only its own colours and line breaks, and JSON escapes what JSON.stringify leaves raw.
   */
  override log(message = '', ...args: unknown[]): void {
    super.log(this.jsonMode ? terminalSafeJson(message) : forTerminal(message), ...args)
  }

  /** Prints `data` as stable JSON with --json, else the human rendering. */
  protected output(data: unknown, human: () => string | string[]): void {
    if (this.jsonMode) {
      this.log(stableJson(data))
      return
    }
    const text = human()
    this.log(Array.isArray(text) ? text.join('\n') : text)
  }

  /**
   * For checks that print a report and then fail (policy test, verify-log, doctor): with --json the report is
   * the output and only the exit code says it failed; otherwise the one-line error follows the report.
   */
  protected fail(code: CliErrorCode, message: string): never {
    if (this.jsonMode) return this.exit(exitCodeFor(code))
    throw new CliError(code, message)
  }

  protected override async catch(err: Interfaces.CommandError): Promise<never> {
    // this.exit() inside a command throws an ExitError: let it through untouched.
    if ((err as { code?: unknown }).code === 'EEXIT') throw err
    const e = toCliError(err)
    const exitCode = exitCodeFor(e.code)
    if (this.jsonMode) {
      const body: Record<string, unknown> = { code: e.code, message: e.message, exit_code: exitCode }
      if (e.hint) body.hint = e.hint
      if (e.details !== undefined) body.details = e.details
      this.log(stableJson({ error: body }))
    } else {
      // Error messages quote the gateway's answers and the actions they name: as untrusted as any other output.
      process.stderr.write(forTerminal(`${paint('red', 'Error:')} ${e.message}\n`))
      if (e.hint) process.stderr.write(forTerminal(`${paint('dim', e.hint)}\n`))
      if (process.env.FARAMESH_DEBUG && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`)
    }
    return this.exit(exitCode)
  }
}
