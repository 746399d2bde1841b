import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js'
import { describe, expect, it } from 'vitest'
import { canElicitUrl, editInitializeRequest, editInitializeResult, type ClientSession } from './initialize.js'

const req = (params: Record<string, unknown>) => ({ jsonrpc: '2.0' as const, id: 0, method: 'initialize', params })
const fresh = (): ClientSession => ({ clientCapabilities: {}, protocolVersion: null })

describe('initialize edits', () => {
  it('keeps a supported version, clamps an unknown or missing one to the latest', () => {
    expect(editInitializeRequest(req({ protocolVersion: '2025-06-18', capabilities: {} }), true, fresh()).params).toMatchObject({ protocolVersion: '2025-06-18' })
    expect(editInitializeRequest(req({ protocolVersion: '2026-07-28', capabilities: {} }), true, fresh()).params).toMatchObject({ protocolVersion: LATEST_PROTOCOL_VERSION })
    expect(editInitializeRequest(req({ capabilities: {} }), true, fresh()).params).toMatchObject({ protocolVersion: LATEST_PROTOCOL_VERSION })
  })

  it('drops roots only when told, records clientInfo.name and the capabilities, leaves the original message alone', () => {
    const s = fresh()
    const m = req({ protocolVersion: '2025-11-25', capabilities: { roots: { listChanged: true }, sampling: {} }, clientInfo: { name: 'claude', version: '1' } })
    const out = editInitializeRequest(m, false, s)
    expect(out.params!.capabilities).toEqual({ sampling: {} })
    expect(m.params.capabilities).toHaveProperty('roots')
    expect(s).toMatchObject({ clientName: 'claude', clientCapabilities: { sampling: {} } })
    expect(editInitializeRequest(m, true, fresh()).params!.capabilities).toHaveProperty('roots')
  })

  it("removes the server's tasks.requests.tools and nothing else; refuses a version it does not speak", () => {
    const r = editInitializeResult({ protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true }, tasks: { list: {}, requests: { tools: { call: {} }, sampling: {} } } } })
    expect(r).toEqual({
      ok: true,
      version: '2025-11-25',
      result: { protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true }, tasks: { list: {}, requests: { sampling: {} } } } },
    })
    expect(editInitializeResult({ protocolVersion: '2099-01-01', capabilities: {} })).toEqual({ ok: false, requested: '2099-01-01' })
  })

  it('URL elicitation needs elicitation.url and revision 2025-11-25 or later', () => {
    expect(canElicitUrl({ clientCapabilities: { elicitation: { url: {} } }, protocolVersion: '2025-11-25' })).toBe(true)
    expect(canElicitUrl({ clientCapabilities: { elicitation: { url: {} } }, protocolVersion: '2025-06-18' })).toBe(false)
    expect(canElicitUrl({ clientCapabilities: { elicitation: {} }, protocolVersion: '2025-11-25' })).toBe(false)
  })
})
