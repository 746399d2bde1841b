// @faramesh/server/tokens: the scoped-token file format and the roles it grants, without the gateway. The gateway
// and the CLI (`faramesh token …`, and its role checks before it asks the gateway) share these; loading them loads
// no routes, ledger or HTTP server.
export { agentIdOfToken, hashToken, parseTokensFile, rfc3339Millis, serializeTokensFile, RESERVED_NAMES, type TokenEntry, type TokensFile } from './tokens-file.js'
export { ROLES, can, requirePermission, type Permission, type Principal } from './roles.js'
