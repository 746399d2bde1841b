// The shape of FARAMESH_MCP_SERVERS (JSON Schema, compiled once by ajv): which keys exist and their types. The rules
// that need more than a type (exactly one of command/url, references, literal credentials) are in servers-file.ts,
// where each problem can be worded for the operator.

/** A server's name: its path (/mcp/<name>) and its actions' tool (mcp:<name>). */
export const SERVER_NAME = '^[a-z0-9][a-z0-9_-]{0,62}$'

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"

const strings = { type: 'array', items: { type: 'string' }, maxItems: 256 } as const

export const SERVER_KEYS = [
  'command',
  'args',
  'env',
  'cwd',
  'url',
  'headers',
  'hide_denied_tools',
  'client_roots',
  'govern_resources',
  'call_timeout',
] as const

export const serversSchema = {
  type: 'object',
  maxProperties: 256,
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    properties: {
      command: { type: 'string', minLength: 1 },
      args: strings,
      env: {
        type: 'object',
        propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        additionalProperties: { type: 'string' },
      },
      cwd: { type: 'string', minLength: 1 },
      url: { type: 'string', minLength: 1 },
      headers: {
        type: 'object',
        propertyNames: { pattern: HEADER_NAME },
        additionalProperties: { type: 'string' },
      },
      hide_denied_tools: { type: 'boolean' },
      client_roots: { type: 'boolean' },
      govern_resources: { type: 'boolean' },
      call_timeout: { anyOf: [{ type: 'string' }, { type: 'integer' }] },
    },
  },
} as const
