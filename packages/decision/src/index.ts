// Public API of @faramesh/decision (pure): the one decide() the gateway, the playground and the CLI's policy test,
// policy simulate and replay-decision share, so a stored decision can be reproduced byte for byte.
export { decide, normalizeRequest, type DecideDeps, type NormalizedRequest } from './decide.js'
export { SERVER_VERSION, RUNTIME_VERSION } from './version.js'
