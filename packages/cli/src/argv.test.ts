import { describe, expect, it } from 'vitest'
import { hoistGlobalFlags } from './argv.js'

describe('hoistGlobalFlags', () => {
  it('moves global flags written before the command behind it', () => {
    expect(hoistGlobalFlags(['--host', '0.0.0.0', '--port', '9000', 'list'])).toEqual(['list', '--host', '0.0.0.0', '--port', '9000'])
    expect(hoistGlobalFlags(['--json', 'get', '2755d4a8'])).toEqual(['get', '2755d4a8', '--json'])
    expect(hoistGlobalFlags(['--token=abc', '--no-color', 'policy', 'test', 'f.yaml'])).toEqual(['policy', 'test', 'f.yaml', '--token=abc', '--no-color'])
  })

  it('leaves argv alone when the command comes first or there is no command', () => {
    expect(hoistGlobalFlags(['list', '--json'])).toEqual(['list', '--json'])
    expect(hoistGlobalFlags(['--version'])).toEqual(['--version'])
    expect(hoistGlobalFlags(['--json'])).toEqual(['--json'])
    expect(hoistGlobalFlags([])).toEqual([])
  })

  it('keeps everything after `--` last', () => {
    expect(hoistGlobalFlags(['--json', 'tail', '--', '--count'])).toEqual(['tail', '--json', '--', '--count'])
  })
})
