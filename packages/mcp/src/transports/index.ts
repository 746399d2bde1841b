// Transports of @faramesh/mcp: line framing, a child over stdio, our own stdin/stdout, and openUpstream.
export { DEFAULT_MAX_LINE_BYTES, LineReader, parseLine, serializeMessage, type Frame } from './line-framing.js'
export { ChildTransport, DEFAULT_CHILD_MAX_LINE_BYTES, type ChildExit, type ChildOptions } from './child-transport.js'
export { childEnv, withoutFaramesh, CHILD_BASE_ENV } from './child-env.js'
export { StdioEndpoint, errorReplyFor, type StdioEndpointOptions } from './stdio-endpoint.js'
export { UpstreamError, isUpstreamError, type UpstreamEndReason } from './upstream-error.js'
export { openUpstream, type Upstream, type UpstreamOptions } from './upstream.js'
