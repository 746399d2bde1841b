// The package's entries: the browser one (package root outside Node) has no file access and answers apply() with a
// typed error; under Node the root is the /node entry, where apply() reads files (the original SDK's API). Hashes
// are policy-core's canonical JSON: one implementation, not a copy.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as browser from '../src/index.js'
import * as node from '../src/node/index.js'

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, Record<string, unknown>> }

describe('entries', () => {
  it('the browser entry refuses apply(file) with FarameshValidationError, through the function and the class', async () => {
    await expect(browser.apply('/etc/hostname')).rejects.toBeInstanceOf(browser.FarameshValidationError)
    await expect(new browser.ExecutionGovernorClient('http://127.0.0.1:1').apply('/etc/hostname')).rejects.toThrow('needs Node')
  })

  it('the node entry is the browser entry plus a file-reading apply, with the same classes and errors', async () => {
    expect(node.FarameshError).toBe(browser.FarameshError)
    expect(node.submitAction).toBe(browser.submitAction)
    expect(new node.ExecutionGovernorClient('http://127.0.0.1:1')).toBeInstanceOf(browser.ExecutionGovernorClient)
    // A missing file is read (and fails) before anything travels.
    await expect(node.apply('/nonexistent/action.json')).rejects.toThrow('Cannot read /nonexistent/action.json')
  })

  it('the package root resolves to the node entry under Node and to the browser entry elsewhere', () => {
    const root = pkg.exports['.']!
    expect(Object.keys(root)[0]).toBe('node')
    expect(root.node).toEqual(pkg.exports['./node'])
    expect(root.default).toBe('./dist/index.js')
  })
})

describe('canonical JSON', () => {
  it('is policy-core’s, imported from its pure subpath, not a second implementation', () => {
    const src = readFileSync(new URL('../src/canonical.ts', import.meta.url), 'utf8')
    expect(src).toContain("from '@faramesh/policy-core/canonical'")
    expect(src).not.toMatch(/function (str|num|quote|formatNumber)\b/)
  })

  it('hashes what travels: undefined members are left out and undefined array items are null, as JSON.stringify sends them', () => {
    const sent = { agent_id: 'a', tool: 't', operation: 'o', params: { x: undefined, list: [1, undefined], keep: 1 }, context: { y: undefined } }
    const wire = JSON.parse(JSON.stringify(sent)) as Record<string, unknown>
    expect(browser.canonicalJson(sent)).toBe(browser.canonicalJson(wire))
    expect(browser.computeRequestHash(sent)).toBe(browser.computeRequestHash(wire))
  })

  it('fails closed with FarameshValidationError on what JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    for (const bad of [cyclic, { d: new Date(0) }, { s: Symbol('x') }, '\ud800'])
      expect(() => browser.canonicalJson(bad)).toThrow(browser.FarameshValidationError)
  })
})
