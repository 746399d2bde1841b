// @faramesh/sdk: the public API. Runs wherever fetch does (Node >= 18, browsers, edge runtimes).
export const __version__ = '0.1.0'

export { ExecutionGovernorClient } from './client.js'
export { CoreClient, type SubmitOptions, type SubmitSpec } from './core-client.js'
export {
  allow,
  apply,
  approveAction,
  blockUntilApproved,
  configure,
  decide,
  deny,
  denyAction,
  executeIfAllowed,
  gateDecide,
  gateDecideDict,
  gateGovern,
  getAction,
  getActiveConfig,
  getClient,
  getEvents,
  getPolicyInfo,
  governed,
  listActions,
  onEvents,
  replayAction,
  replayDecision,
  reportResult,
  startAction,
  streamEvents,
  submitAction,
  submitActions,
  submitActionsBulk,
  submitAndWait,
  tailEvents,
  waitForCompletion,
  waitForDecision,
  withGate,
} from './functional.js'
export {
  DeferredError,
  DenyError,
  detailText,
  FarameshApprovalTimeoutError,
  FarameshAuthError,
  FarameshBatchError,
  FarameshConflictError,
  FarameshConnectionError,
  FarameshDeniedError,
  FarameshError,
  FarameshError as GovernorError,
  FarameshNotFoundError,
  FarameshPolicyError,
  FarameshServerError,
  FarameshTimeoutError,
  FarameshUnavailableError,
  FarameshValidationError,
  type FarameshErrorCode,
} from './errors.js'
export { canonicalJson, computeRequestHash, sha256Hex, verifyRequestHash } from './canonical.js'
export { resetFailOpenWarning } from './fail-open.js'
export { parseSse, type SseMessage } from './sse.js'
export type { OnEventsOptions, StreamEventsOptions } from './events.js'
export type { ExecuteIfAllowedOptions, SubmitAndWaitOptions } from './extras.js'
export type { GateOptions, GovernedTarget } from './gate.js'
export type * from './types.js'
