// What the relay's parts share: the pending client requests and the ways to send. relay.ts implements it;
// governed-call.ts and hold.ts use it.
import type { JSONRPCMessage, RequestId } from '@modelcontextprotocol/sdk/types.js'
import type { RelayOptions } from '../types.js'
import type { ClientSession } from './initialize.js'
import type { ProgressLine } from './progress.js'
import type { ToolCatalog } from './tool-catalog.js'

export interface GovernedState {
  kind: 'tool' | 'resource'
  /** Aborted when the client gives up before the call was forwarded. */
  abort: AbortController
  line: ProgressLine
  /** Set once the call was forwarded: the action its answer is reported to. */
  actionId?: string
  forwarded: boolean
  /** The client cancelled after forwarding: a late answer is reported, not relayed. */
  cancelled: boolean
  grace?: ReturnType<typeof setTimeout>
}

/** A client request the relay owes an answer (or a report) for. */
export interface Pending {
  id: RequestId
  method: string
  progressToken?: string | number
  call?: GovernedState
}

export interface RelayContext {
  readonly o: RelayOptions
  readonly session: ClientSession
  readonly catalog: ToolCatalog
  readonly pending: Map<string, Pending>
  /** The session ended: nothing new is submitted or forwarded. */
  readonly closed: boolean
  log(line: string): void
  /** An upstream error text with the upstream's secrets masked (RelayOptions.redact). */
  redact(text: string): string
  /** A fresh idempotency key for one submit. */
  nextKey(): string
  /** Send to the client; false when it could not be sent (logged). */
  down(msg: JSONRPCMessage, related?: RequestId): Promise<boolean>
  /** Send to the server; throws when the upstream refuses it. */
  up(msg: JSONRPCMessage): Promise<void>
  /** A request of the relay's own to the client; its answer goes to `onAnswer`, never to the server. */
  requestDown(method: string, params: Record<string, unknown>, related: RequestId, onAnswer: (answer: unknown) => void): void
  /** Learn the server's tools (annotations) if the catalog is not current. */
  ensureCatalog(): Promise<void>
  /** Keep a report or a withdrawal in flight so close() can wait for it (bounded). */
  track(p: Promise<unknown>): void
  /** Start routing the call's progress notifications (progressToken → request). */
  routeProgress(p: Pending): void
  forget(p: Pending): void
}
