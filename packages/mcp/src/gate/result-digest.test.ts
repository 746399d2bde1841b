import { canonicalJson, sha256Hex } from '@faramesh/sdk'
import { describe, expect, it } from 'vitest'
import { digestResult, outcomeOfAnswer } from './result-digest.js'

describe('result digest', () => {
  it('is sha256 of the SDK canonical JSON, its UTF-8 size, and the content types — never the content', () => {
    const result = { content: [{ type: 'text', text: 'sécret' }, { type: 'image', data: 'AAA', mimeType: 'image/png' }, { type: 'text', text: 'x' }], isError: false }
    const d = digestResult(result)
    expect(d.sha256).toBe(sha256Hex(canonicalJson(result)))
    expect(d.bytes).toBe(Buffer.byteLength(canonicalJson(result), 'utf8'))
    expect(d.content_types).toEqual(['image', 'text'])
    expect(d).toMatchObject({ is_error: false, structured: false })
    expect(JSON.stringify(d)).not.toContain('sécret')
  })

  it('the same result in another key order has the same digest', () => {
    expect(digestResult({ isError: false, content: [{ text: 'a', type: 'text' }] })).toEqual(digestResult({ content: [{ type: 'text', text: 'a' }], isError: false }))
  })

  it('an isError result is a failure without its text; a JSON-RPC error keeps only code and a clipped message', () => {
    const bad = outcomeOfAnswer({ result: { content: [{ type: 'text', text: 'disk full at /secret/path' }], isError: true, structuredContent: { a: 1 } } })
    expect(bad).toMatchObject({ success: false, error: 'the tool answered with isError: true', result: { mcp: { is_error: true, structured: true } } })
    expect(JSON.stringify(bad)).not.toContain('/secret/path')
    const rpc = outcomeOfAnswer({ error: { code: -32602, message: 'x'.repeat(5000) } })
    expect(rpc.success).toBe(false)
    expect(rpc.error!.startsWith('mcp error -32602: xxx')).toBe(true)
    expect(rpc.error!.length).toBeLessThanOrEqual(1024 + 20)
  })
})
