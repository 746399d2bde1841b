// The environment an MCP server child gets. The gateway's own settings (FARAMESH_*, FARA_*: its tokens, DSN and key
// paths) never reach a child: a server with a `get-env` tool would hand them to any agent.

/** Always passed when set, as the gateway's executors do (server/src/executors/exec-env.ts). */
export const CHILD_BASE_ENV = ['PATH', 'HOME', 'LANG', 'TZ'] as const
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

const OWN = /^FARA(MESH)?_/i

/** The wrapper's case: everything the wrapper was given (a client's mcpServers.env is meant for the server) minus ours. */
export function withoutFaramesh(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !OWN.test(k)) out[k] = v
  return out
}

/** The gateway's case: the minimal base from `source`, then the configured variables; never one of ours. */
export function childEnv(configured: Record<string, string>, source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {}
  for (const name of CHILD_BASE_ENV) {
    const v = source[name]
    if (v !== undefined) env[name] = v
  }
  env.PATH ??= DEFAULT_PATH
  for (const [k, v] of Object.entries(configured)) if (!OWN.test(k)) env[k] = v
  return env
}
