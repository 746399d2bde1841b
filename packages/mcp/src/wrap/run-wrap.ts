// `faramesh mcp wrap`: speak MCP on our own stdin/stdout, run the real server as a child, and put the relay with a
// GatePort over @faramesh/sdk between them (design §6). stdout carries MCP messages only; everything else goes to
// stderr. Returns the exit code; never calls process.exit (the CLI does, once stdout is flushed).
import { format } from 'node:util'
import { CoreClient } from '@faramesh/sdk'
import { poolFetch } from '../gate/pool-fetch.js'
import { sdkGate } from '../gate/sdk-gate.js'
import { createRelay } from '../relay/relay.js'
import { withoutFaramesh } from '../transports/child-env.js'
import { StdioEndpoint } from '../transports/stdio-endpoint.js'
import { openUpstream } from '../transports/upstream.js'
import type { RelayEnd, ServerEntry } from '../types.js'
import { checkIdentity } from './identity.js'
import { defaultServerName, SERVER_NAME } from './server-name.js'
import { WrapError } from './wrap-error.js'

export const DEFAULT_GATEWAY = 'http://127.0.0.1:8000'

export interface WrapOptions {
  command: string
  args: string[]
  /** Flags win over FARAMESH_BASE_URL / FARAMESH_TOKEN / FARAMESH_AGENT_ID (and the legacy FARA_* names). */
  gateway?: string
  token?: string
  name?: string
  agent?: string
  /** Keep tools the policy denies outright in tools/list (they are still gated). */
  showDenied?: boolean
  /**
   * Pass the client's `roots` capability on (default true). false (--no-client-roots): the server never learns the
   * client's roots, so a client cannot widen a filesystem server's allowed directories; its roots/list is refused.
   */
  clientRoots?: boolean
  /** Dashboard URL for the informational URL elicitation while a call is held. */
  publicUrl?: string
  env?: NodeJS.ProcessEnv
  /** One line for the operator (default: our stderr). */
  log?: (line: string) => void
  /** Grace for the child and for flushing reports when the session ends (default 2000 ms). */
  graceMs?: number
  /** Poll period of held calls (default 1000 ms). */
  pollIntervalMs?: number
  /** Progress period while a call is held (default 5000 ms). */
  progressIntervalMs?: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref())
const nonEmpty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v)

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
const SIGNAL_EXIT: Record<(typeof SIGNALS)[number], number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 }

/** Anything that would write to stdout (a dependency's console.log) goes to stderr instead: stdout is MCP only. */
function guardStdout(log: (line: string) => void): () => void {
  const saved = { log: console.log, info: console.info, debug: console.debug }
  console.log = console.info = console.debug = (...a: unknown[]) => log(format(...a))
  return () => Object.assign(console, saved)
}

export async function runWrap(o: WrapOptions): Promise<number> {
  const env = o.env ?? process.env
  const log = o.log ?? ((line: string) => void process.stderr.write(`${line}\n`))
  const grace = o.graceMs ?? 2000
  const baseUrl = (o.gateway ?? nonEmpty(env.FARAMESH_BASE_URL) ?? nonEmpty(env.FARA_API_BASE) ?? DEFAULT_GATEWAY).replace(/\/+$/, '')
  const token = o.token ?? nonEmpty(env.FARAMESH_TOKEN) ?? nonEmpty(env.FARA_AUTH_TOKEN)
  const agent = o.agent ?? nonEmpty(env.FARAMESH_AGENT_ID)
  if (!/^https?:\/\//.test(baseUrl)) throw new WrapError('USAGE', `The gateway URL must start with http:// or https:// (got ${JSON.stringify(baseUrl)}).`)
  const name = o.name ?? defaultServerName(o.command, o.args)
  if (!SERVER_NAME.test(name)) {
    throw new WrapError('USAGE', `Invalid server name ${JSON.stringify(name)}: use lowercase letters, digits, - and _ (at most 63, starting with a letter or digit).`)
  }
  const identity = await checkIdentity({ baseUrl, token, agent })
  const redact = (text: string): string => (token && token.length >= 6 ? text.replaceAll(token, '[redacted]') : text)

  const entry: ServerEntry = {
    name,
    kind: 'command',
    command: o.command,
    args: o.args,
    // The client's mcpServers.env is meant for the server: pass the wrapper's environment on, minus our own settings.
    env: withoutFaramesh(env),
    hideDeniedTools: !o.showDenied,
    clientRoots: o.clientRoots ?? true,
    governResources: false,
  }
  const upstream = openUpstream(entry, { redact, stderr: log, baseEnv: env, killGraceMs: grace })
  const downstream = new StdioEndpoint({ log })
  // Kept-alive connections to the gateway without the global fetch's per-request cost (pool-fetch.ts).
  const http = poolFetch(baseUrl)
  const client = new CoreClient({
    baseUrl,
    fetch: http.fetch,
    ...(token ? { token } : {}),
    ...(identity.agentId ? { agentId: identity.agentId } : {}),
    failMode: 'failClosed',
    throwOnDeny: false,
  })
  const gate = sdkGate(client, o.pollIntervalMs !== undefined ? { pollIntervalMs: o.pollIntervalMs } : {})
  const relay = createRelay({
    downstream,
    upstream,
    // the settings only: the child's command and environment stay out of the relay
    server: { name, hideDeniedTools: entry.hideDeniedTools, clientRoots: entry.clientRoots, governResources: entry.governResources },
    gate,
    identity: identity.source === 'client_info' ? { source: 'client_info' } : { agentId: identity.agentId!, source: identity.source },
    ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
    ...(o.progressIntervalMs !== undefined ? { progressIntervalMs: o.progressIntervalMs } : {}),
    // How the session ended is said once, by the wrapper's own last line: not again by the relay.
    log: (line) => {
      if (line.startsWith('session ended (') || line.startsWith(`upstream '${name}': `)) return
      log(`faramesh: ${redact(line)}`)
    },
  })

  const restore = guardStdout(log)
  let signalled: (typeof SIGNALS)[number] | null = null
  let onSignal: ((s: (typeof SIGNALS)[number]) => void) | null = null
  const stopped = new Promise<RelayEnd>((resolve) => {
    onSignal = (s) => {
      signalled = s
      resolve({ reason: 'closed', message: `stopped by ${s}` })
    }
  })
  for (const s of SIGNALS) process.on(s, onSignal!)
  try {
    log(`faramesh: wrapping MCP server '${name}' (tool mcp:${name}) through ${baseUrl} as ${identity.agentId ? `agent ${identity.agentId} (${identity.source})` : "the MCP client's name"}`)
    try {
      await relay.start()
    } catch (err) {
      throw new WrapError('UPSTREAM', redact((err as Error).message))
    }
    const end = await Promise.race([relay.ended, stopped])
    // Withdraw held calls, answer what is pending, flush reports: bounded, then make sure the child group is gone.
    await Promise.race([relay.close(end.message), sleep(grace + 1000)])
    await upstream.close()
    if (signalled) return SIGNAL_EXIT[signalled]
    if (end.reason === 'upstream_exited' || end.reason === 'upstream_bad_output') {
      throw new WrapError('UPSTREAM', `${redact(end.message)}; the MCP session ended`)
    }
    return 0
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal!)
    restore()
    await http.close().catch(() => undefined)
  }
}
