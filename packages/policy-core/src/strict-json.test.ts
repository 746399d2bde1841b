import { describe, expect, it } from 'vitest'
import { parseStrictJson, StrictJsonError } from './strict-json.js'

// The full behaviour is pinned by the server's strict-json.test.ts (through its 422 wrapper); this checks the
// neutral error the MCP gateway turns into a JSON-RPC parse error.
describe('parseStrictJson (policy-core)', () => {
  const errorOf = (text: string): StrictJsonError => {
    try {
      parseStrictJson(text)
    } catch (err) {
      if (err instanceof StrictJsonError) return err
      throw err
    }
    throw new Error('accepted')
  }

  it('throws a StrictJsonError with the path inside the value, the kind and the character position', () => {
    const e = errorOf('{"params":{"arguments":{"a":1,"a":2}}}')
    expect(e.loc).toEqual(['params', 'arguments', 'a'])
    expect(e.type).toBe('value_error.duplicate_key')
    expect(e.message).toMatch(/Duplicate key 'a' \(at character \d+\)/)
    expect(errorOf('{"x":{"__proto__":1}}').type).toBe('value_error.forbidden_key')
    expect(errorOf('not json').loc).toEqual([])
  })

  it('reads what JSON.parse reads when nothing is wrong', () => {
    expect(parseStrictJson('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toEqual({ jsonrpc: '2.0', id: 1, method: 'ping' })
  })
})
