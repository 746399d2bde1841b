// The environment an executed command gets (CONTRACT.md § Execution): PATH, HOME, LANG, TZ and the names the operator
// lists in FARAMESH_EXECUTOR_ENV, nothing else. The gateway's own environment holds its admin token, its database
// DSN and its key paths; a command approved to run `env` must not print them into its own action's result. Here,
// below the server, because the MCP gateway refuses the same names and values for the servers it spawns.

/** Always passed when set (PATH gets a default: /bin/sh needs one). */
export const EXEC_BASE_ENV = ['PATH', 'HOME', 'LANG', 'TZ'] as const

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

// The gateway's own settings, connection strings and key locations, by name. Matched case-insensitively.
const SECRET_NAMES: Array<[RegExp, string]> = [
  [/^FARA(MESH)?_/i, "is one of the gateway's own settings (FARAMESH_*, FARA_*)"],
  [/(^|_)(DSN|DATABASE_URL|DB_URL|DB_URI|DATABASE_URI|CONNECTION_STRING|CONN_STR)$/i, 'names a database connection string'],
  [/^PG(PASSWORD|PASSFILE|SERVICEFILE|SSLKEY)$/i, 'is a Postgres credential'],
  [/(^|_)KEY_?(FILE|PATH)$|SIGNING_KEY|PRIVATE_KEY/i, 'names a key or a key path'],
]

// A URL carrying a password (postgres://user:secret@host/db, redis://:secret@host) is a DSN whatever its name.
const CREDENTIAL_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s/@]*:[^\s/@]*@/i

/** Why `name` may never reach a command, or null when it may. */
export function refusedExecEnvName(name: string): string | null {
  if (!NAME.test(name)) return 'is not a variable name'
  for (const [re, why] of SECRET_NAMES) if (re.test(name)) return why
  return null
}

/** Why a value may never reach a command: it is a credential URL or contains one of the gateway's secrets. */
export function refusedExecEnvValue(value: string, secrets: readonly string[]): string | null {
  if (CREDENTIAL_URL.test(value)) return 'holds a URL with a password (a DSN)'
  if (secrets.some((s) => s !== '' && value.includes(s))) return "holds one of the gateway's secrets (its token, DSN or a key or database path)"
  return null
}

/**
 * The environment for commands: the base names and `extra` names, read from `source`. `extra` must already be
 * checked (the node config refuses a secret name at startup); a secret name is skipped here all the same.
 */
export function commandEnv(source: (name: string) => string | undefined, extra: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of [...EXEC_BASE_ENV, ...extra]) {
    if (refusedExecEnvName(name)) continue
    const v = source(name)
    if (v !== undefined) env[name] = v
  }
  env.PATH ??= DEFAULT_PATH
  return env
}
