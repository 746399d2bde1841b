import { describe, expect, it } from 'vitest'
import { agentSourceLabel, annotationEntries, mcpOf } from './mcp.js'

const base = { tool: 'mcp:files', operation: 'write_file', params: { path: 'a.txt', content: 'x' } }

describe('mcpOf', () => {
  it('reads server, tool, arguments, annotations, protocol and agent source of an MCP action', () => {
    const ctx = { mcp: { server: 'files', annotations: { destructiveHint: true, title: 'Write' }, protocol_version: '2025-11-25', agent_source: 'token' } }
    expect(mcpOf({ ...base, context: ctx })).toEqual({
      server: 'files',
      tool: 'write_file',
      arguments: { path: 'a.txt', content: 'x' },
      annotations: { destructiveHint: true, title: 'Write' },
      protocolVersion: '2025-11-25',
      agentSource: 'token',
    })
  })

  it('is null for other actions: a tool without the mcp: prefix, or no context.mcp', () => {
    expect(mcpOf({ ...base, tool: 'files', context: { mcp: { server: 'files' } } })).toBeNull()
    expect(mcpOf({ ...base, context: {} })).toBeNull()
    expect(mcpOf({ ...base, context: { mcp: 'files' } })).toBeNull()
    expect(mcpOf({ ...base, context: { mcp: [] } })).toBeNull()
  })

  it('tolerates odd shapes: the server from the tool, unknown sources and non-object annotations as missing', () => {
    expect(mcpOf({ ...base, context: { mcp: { annotations: [1], agent_source: 'header', protocol_version: 5 } } })).toMatchObject({
      server: 'files',
      annotations: null,
      agentSource: null,
      protocolVersion: null,
    })
  })
})

describe('labels', () => {
  it('says where the agent id came from', () => {
    expect(agentSourceLabel('token')).toMatch(/token/)
    expect(agentSourceLabel('client_info')).toMatch(/clientInfo\.name/)
    expect(agentSourceLabel(null)).toBe('not recorded')
  })

  it('lists annotations sorted, values as JSON', () => {
    expect(annotationEntries({ readOnlyHint: true, destructiveHint: false, title: 'T' })).toEqual([
      ['destructiveHint', 'false'],
      ['readOnlyHint', 'true'],
      ['title', '"T"'],
    ])
    expect(annotationEntries(null)).toEqual([])
  })
})
