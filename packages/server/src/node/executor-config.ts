// The executor's part of the configuration: the environment commands get (FARAMESH_EXECUTOR_ENV) and the program
// they run under (FARAMESH_EXECUTOR_WRAPPER). Whatever would hand a command the gateway's own secrets, or cannot run,
// refuses to start with CONFIG_INVALID naming the variable: silently dropping it would leave the operator guessing.
import { accessSync, constants } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { ApiError } from '../errors.js'
import { commandEnv, refusedExecEnvName, refusedExecEnvValue } from '../executors/exec-env.js'
import type { GatewayConfig } from './config.js'

export interface ExecutorSettings {
  /** The whole environment of executed commands: PATH, HOME, LANG, TZ and FARAMESH_EXECUTOR_ENV's names. */
  executorEnv: Record<string, string>
  /** FARAMESH_EXECUTOR_WRAPPER: argv that `/bin/sh -c <cmd>` runs under (a sandbox, another uid); [] for none. */
  executorWrapper: string[]
}

type Secrets = Pick<GatewayConfig, 'token' | 'tokensFile' | 'postgresDsn' | 'signingKeyPath' | 'sqlitePath'>

const bad = (name: string, why: string): ApiError => new ApiError('CONFIG_INVALID', `${name}: ${why}`, { where: name })

function executorEnv(e: (name: string) => string | undefined, c: Secrets): Record<string, string> {
  const names = (e('FARAMESH_EXECUTOR_ENV') ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  const secrets = [c.token, e('FARA_AUTH_TOKEN'), c.postgresDsn, e('DATABASE_URL'), c.signingKeyPath, c.tokensFile, c.sqlitePath]
  const known = secrets.filter((s): s is string => typeof s === 'string' && s !== '')
  for (const name of names) {
    const value = e(name)
    const why = refusedExecEnvName(name) ?? (value === undefined ? null : refusedExecEnvValue(value, known))
    if (why) {
      throw bad('FARAMESH_EXECUTOR_ENV', `${name} ${why}: commands never get the gateway's settings, tokens, database URLs or key paths`)
    }
  }
  return commandEnv(e, names)
}

const WRAPPER_EXAMPLE = '["bwrap", "--unshare-pid", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "--"]'

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function executorWrapper(v: string | undefined, path: string): string[] {
  if (v === undefined) return []
  let argv: unknown
  try {
    argv = JSON.parse(v)
  } catch {
    throw bad('FARAMESH_EXECUTOR_WRAPPER', `expected a JSON array of strings, such as ${WRAPPER_EXAMPLE}`)
  }
  const ok = (s: unknown): s is string => typeof s === 'string' && s !== '' && !s.includes('\0')
  if (!Array.isArray(argv) || argv.length === 0 || argv.length > 256 || !argv.every(ok)) {
    throw bad('FARAMESH_EXECUTOR_WRAPPER', `expected a non-empty JSON array of non-empty strings, such as ${WRAPPER_EXAMPLE}`)
  }
  // Found the way spawn will look for it (the commands' PATH), so a typo fails here rather than at every execution.
  const program = argv[0]!
  const found = program.includes('/') ? executable(isAbsolute(program) ? program : join(process.cwd(), program)) : path.split(':').some((d) => d !== '' && executable(join(d, program)))
  if (!found) throw bad('FARAMESH_EXECUTOR_WRAPPER', `${program} is not an executable file${program.includes('/') ? '' : ` on PATH (${path})`}`)
  return argv
}

export function executorSettings(e: (name: string) => string | undefined, c: Secrets): ExecutorSettings {
  const executorEnvValue = executorEnv(e, c)
  return { executorEnv: executorEnvValue, executorWrapper: executorWrapper(e('FARAMESH_EXECUTOR_WRAPPER'), executorEnvValue.PATH!) }
}
