// `faramesh mcp wrap` as a library: the CLI command only parses flags and calls runWrap.
export { DEFAULT_GATEWAY, runWrap, type WrapOptions } from './run-wrap.js'
export { checkIdentity, type WrapIdentity } from './identity.js'
export { defaultServerName, SERVER_NAME } from './server-name.js'
export { WrapError, type WrapErrorCode } from './wrap-error.js'
