// The MCP server side of a relay, from its ServerEntry: a child over stdio for `command`, the SDK's Streamable HTTP
// client for `url`. Configured headers and env values are secrets: they go to the upstream and nowhere else.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { ServerEntry } from '../types.js'
import { boundedFetch } from './bounded-fetch.js'
import { ChildTransport, DEFAULT_CHILD_MAX_LINE_BYTES } from './child-transport.js'
import { childEnv } from './child-env.js'

export interface UpstreamOptions {
  /** Masks secrets in the child's stderr and in bad-output messages. */
  redact?: (text: string) => string
  /** Where a child's stderr lines go (default: our stderr), already prefixed `[<name>] `. */
  stderr?: (line: string) => void
  /** Where the minimal base (PATH HOME LANG TZ) is read from (default process.env). */
  baseEnv?: NodeJS.ProcessEnv
  /** A child's close(): grace after ending stdin, then after SIGTERM (default 2000 ms). */
  killGraceMs?: number
  /** For tests and custom agents: the fetch the HTTP client uses. */
  fetch?: typeof fetch
  /** A url upstream's answer (an SSE event) may be at most this long (default 16 MiB, as a child's line). */
  maxAnswerBytes?: number
}

export type Upstream = ChildTransport | StreamableHTTPClientTransport

/**
 * A transport to the upstream, not yet started (the relay starts it). A `command` child gets the minimal base
 * environment plus exactly `entry.env` (the wrapper passes its own environment minus FARAMESH_* and FARA_* as entry.env).
 */
export function openUpstream(entry: ServerEntry, o: UpstreamOptions = {}): Upstream & Transport {
  if (entry.kind === 'command') {
    return new ChildTransport({
      name: entry.name,
      command: entry.command,
      args: entry.args,
      env: childEnv(entry.env, o.baseEnv),
      ...(entry.cwd !== undefined ? { cwd: entry.cwd } : {}),
      ...(o.redact ? { redact: o.redact } : {}),
      ...(o.stderr ? { stderr: o.stderr } : {}),
      ...(o.killGraceMs !== undefined ? { killGraceMs: o.killGraceMs } : {}),
    })
  }
  return new StreamableHTTPClientTransport(new URL(entry.url), {
    requestInit: { headers: { ...entry.headers } },
    fetch: boundedFetch(o.maxAnswerBytes ?? DEFAULT_CHILD_MAX_LINE_BYTES, o.fetch),
  })
}
