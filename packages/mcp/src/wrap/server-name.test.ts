import { describe, expect, it } from 'vitest'
import { defaultServerName } from './server-name.js'

describe('defaultServerName', () => {
  it.each([
    [['npx', '-y', '@modelcontextprotocol/server-filesystem@1', '/home/me'], 'server-filesystem'],
    [['uvx', 'mcp-server-git'], 'mcp-server-git'],
    [['/usr/bin/node', '/srv/mcp/everything/dist/index.js'], 'everything'],
    [['node', '/x/node_modules/.pnpm/@modelcontextprotocol+server-filesystem@2026.8.31/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'], 'server-filesystem'],
    [['node', './weather.js'], 'weather'],
    [['python3', '-m', 'mcp_server_time'], 'mcp_server_time'],
    [['docker', 'run', '-i', '--rm', 'ghcr.io/github/github-mcp-server:latest'], 'github-mcp-server'],
    [['/opt/bin/My_Server'], 'my_server'],
    [['npx'], 'npx'],
    [['./!!!'], 'mcp'],
  ])('%j → %s', (argv, name) => {
    const [command, ...args] = argv as [string, ...string[]]
    expect(defaultServerName(command, args)).toBe(name)
  })
})
