// Gateway extensions: packages the server must not import (a turbo cycle: @faramesh/mcp's tests start this gateway)
// plug into it at start. apps/server and `faramesh serve` compose them (StartOptions.extensions); each factory runs
// after the ledger opened and before the gateway listens, gets this host, and answers with sub-apps to mount. They
// are closed when the gateway stops, after it stopped accepting requests and before the ledger closes. A factory that
// throws stops the start with its error.
import type { Principal } from '../auth.js'
import type { InProcessGate } from '../in-process-gate.js'
import type { Logger } from '../logger.js'
import type { GatewayMount } from '../mounts.js'
import type { GatewayConfig } from './config.js'

export type { GatewayMount, MountEnv } from '../mounts.js'
export type { InProcessGate, InProcessOutcome } from '../in-process-gate.js'

export interface GatewayExtensionHost {
  /** The gateway's configuration (mcpServersPath: FARAMESH_MCP_SERVERS resolved against the working directory). */
  config: GatewayConfig
  logger: Logger
  /** A GatePort (structurally @faramesh/mcp's) acting as this principal, in process: same checks as the routes. */
  gateFor(principal: Principal): InProcessGate
  /**
   * The principal of a bearer token right now, as the gateway's auth would resolve it (the tokens file is watched):
   * throws ApiError UNAUTHORIZED (401) for a missing, unknown, revoked or expired token while auth is on. A session
   * re-checks its credential with it, so a revoked token ends its sessions.
   */
  authenticate(token: string | undefined): Principal
  /**
   * The dashboard's base URL as the gateway knows it: FARAMESH_PUBLIC_URL, else the URL it listens on. Read it when
   * needed, not in the factory: with port 0 the port is known only once the gateway listens.
   */
  readonly publicUrl: string
}

export interface GatewayExtension {
  name: string
  mounts: GatewayMount[]
  /** End sessions, withdraw held calls, stop children; the ledger is still open while this runs. */
  close(): Promise<void>
}

export type GatewayExtensionFactory = (host: GatewayExtensionHost) => Promise<GatewayExtension>
