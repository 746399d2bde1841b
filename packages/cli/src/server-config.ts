// The gateway's configuration exactly as `faramesh serve` (and `pnpm start`) would load it: the server's own
// loadConfig (FARAMESH_*/FARA_* aliases, .env in the folder and at the workspace root, the repo-root fallback for
// relative paths) with the global flags on top. Doctor reads it instead of guessing paths of its own.
import type { GatewayConfig } from '@faramesh/server/config'
import type { TargetFlags } from './config.js'

/** The configuration `serve` would start with here; an invalid variable is a VALIDATION error (exit 7). */
export async function gatewayConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Promise<GatewayConfig> {
  const { loadConfig } = await import('@faramesh/server/config')
  return loadConfig(env, cwd)
}

/** --host, --port and --token as the variables they override. */
export function flagOverrides(flags: TargetFlags): Record<string, string> {
  const out: Record<string, string> = {}
  if (flags.host !== undefined) out.FARAMESH_HOST = flags.host
  if (flags.port !== undefined) out.FARAMESH_PORT = String(flags.port)
  if (flags.token !== undefined) out.FARAMESH_TOKEN = flags.token
  return out
}

export interface ServerConfigReport {
  /** The configuration, with every invalid variable read as unset; null when even that does not load. */
  config: GatewayConfig | null
  /** One message per problem the gateway would refuse to start with. */
  problems: string[]
}

/**
 * loadConfig stops at the first invalid variable; to list them all, each one it names is set aside (an empty
 * value reads as unset, over .env too) and the rest is loaded again. The binding check startGateway runs is
 * applied to the result.
 */
export async function loadServerConfig(env: Record<string, string | undefined>, cwd: string): Promise<ServerConfigReport> {
  const { loadConfig, assertSafeBinding } = await import('@faramesh/server/config')
  const current = { ...env }
  const problems: string[] = []
  for (;;) {
    try {
      const config = loadConfig(current, cwd)
      try {
        assertSafeBinding(config)
      } catch (err) {
        problems.push((err as Error).message)
      }
      return { config, problems }
    } catch (err) {
      const e = err as { message?: string; where?: unknown }
      const message = String(e.message ?? err)
      if (!problems.includes(message)) problems.push(message)
      const where = typeof e.where === 'string' ? e.where : null
      // Setting it aside changed nothing (a variable another one requires): no configuration to go on with.
      if (where === null || current[where] === '') return { config: null, problems }
      current[where] = ''
    }
  }
}
