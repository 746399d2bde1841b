import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { McpGateError } from '../errors.js'
import { loadMcpServers, parseMcpServers } from './servers-file.js'

const FILE = '/etc/faramesh/mcp.yaml'
const SECRET = 'ghp_s3cretValue123'
const env = {
  GITHUB_TOKEN: SECRET,
  DATA_DIR: '/srv/data',
  SHORT: 'abc',
  EMPTY: '',
  FARAMESH_TOKEN: 'gw-admin-token',
  API_PORT: '8080',
}

const load = (text: string, extra: Partial<Parameters<typeof parseMcpServers>[2]> = {}) =>
  parseMcpServers(text, FILE, { env, ...extra })

/** The refusal a text gets: code, message and where; fails the test when the text loads. */
function refusal(text: string, extra: Partial<Parameters<typeof parseMcpServers>[2]> = {}): McpGateError {
  try {
    load(text, extra)
  } catch (err) {
    expect(err).toBeInstanceOf(McpGateError)
    return err as McpGateError
  }
  throw new Error('loaded')
}

describe('FARAMESH_MCP_SERVERS', () => {
  it('reads command and url servers with their defaults and resolves references', () => {
    const s = load(
      [
        'files:',
        '  command: node',
        '  args: ["/srv/fs/index.js", "${DATA_DIR}", "$${literal}"]',
        '  env: { LOG_LEVEL: info, API_TOKEN: "${GITHUB_TOKEN}" }',
        '  cwd: data',
        'github:',
        '  url: https://api.example.com:${API_PORT}/mcp/',
        '  headers: { Authorization: "Bearer ${GITHUB_TOKEN}", X-Trace: on }',
        '  hide_denied_tools: false',
        '  client_roots: true',
        '  govern_resources: true',
        '  call_timeout: 5m',
      ].join('\n'),
    )
    const files = s.servers.get('files')!
    expect(files).toMatchObject({
      name: 'files',
      kind: 'command',
      command: 'node',
      args: ['/srv/fs/index.js', '/srv/data', '${literal}'],
      cwd: '/etc/faramesh/data',
    })
    expect({ ...(files.kind === 'command' ? files.env : {}) }).toEqual({
      LOG_LEVEL: 'info',
      API_TOKEN: SECRET,
    })
    expect(files).toMatchObject({ hideDeniedTools: true, clientRoots: false, governResources: false })
    expect(files.callTimeoutMs).toBeUndefined()
    const gh = s.servers.get('github')!
    expect(gh).toMatchObject({
      kind: 'url',
      url: 'https://api.example.com:8080/mcp/',
      hideDeniedTools: false,
      clientRoots: true,
      governResources: true,
      callTimeoutMs: 300_000,
    })
    expect({ ...(gh.kind === 'url' ? gh.headers : {}) }).toEqual({
      Authorization: `Bearer ${SECRET}`,
      'X-Trace': 'on',
    })
    expect(s.summary()).toEqual([
      {
        name: 'files',
        kind: 'command',
        hide_denied_tools: true,
        client_roots: false,
        govern_resources: false,
        call_timeout_ms: null,
      },
      {
        name: 'github',
        kind: 'url',
        hide_denied_tools: false,
        client_roots: true,
        govern_resources: true,
        call_timeout_ms: 300_000,
      },
    ])
  })

  it('never serializes, inspects or logs a resolved value', () => {
    const s = load(
      'gh:\n  url: https://h.example/mcp\n  headers: { Authorization: "Bearer ${GITHUB_TOKEN}" }\nx:\n  command: node\n  env: { T_TOKEN: "${GITHUB_TOKEN}" }\n',
    )
    const gh = s.servers.get('gh')!
    for (const shown of [
      JSON.stringify(s),
      JSON.stringify(gh),
      JSON.stringify([...s.servers.values()]),
      inspect(s, { depth: 9 }),
      inspect(gh, { depth: 9 }),
      inspect(s.servers, { depth: 9 }),
      `${JSON.stringify({ headers: gh.kind === 'url' ? gh.headers : null })}`,
    ]) {
      expect(shown).not.toContain(SECRET)
    }
    expect(JSON.stringify(gh)).toBe(
      '{"name":"gh","kind":"url","hide_denied_tools":true,"client_roots":false,"govern_resources":false,"call_timeout_ms":null}',
    )
    const x = s.servers.get('x')!
    expect(inspect(x.kind === 'command' ? x.env : null)).toContain('[redacted]')
    // The real fields are still there for the transport: headers as fetch reads them, env as spawn reads it.
    expect(new Headers(gh.kind === 'url' ? gh.headers : {}).get('authorization')).toBe(`Bearer ${SECRET}`)
    expect(Object.entries(x.kind === 'command' ? x.env : {})).toEqual([['T_TOKEN', SECRET]])
  })

  it('redact masks every resolved value of 6 characters or more, wherever it appears', () => {
    const s = load(
      'gh:\n  url: https://h.example/mcp\n  headers: { Authorization: "Bearer ${GITHUB_TOKEN}", X-A: "${SHORT}" }\n',
    )
    expect(s.redact(`upstream said: bad token ${SECRET} (again: ${SECRET})`)).toBe(
      'upstream said: bad token [redacted] (again: [redacted])',
    )
    expect(s.redact('abc stays: too short to mask without masking everything')).toContain('abc stays')
  })

  const cases: Array<[string, string, RegExp, string]> = [
    [
      'a missing variable',
      'gh:\n  url: https://h.example/mcp\n  headers:\n    Authorization: "Bearer ${NOPE_TOKEN}"\n',
      /:4: server gh, headers\.Authorization: references \$\{NOPE_TOKEN\}, which is not set/,
      'ENV_REF_MISSING',
    ],
    [
      'an empty variable',
      'gh:\n  command: node\n  args: ["${EMPTY}"]\n',
      /:3: server gh, args\[0\]: references \$\{EMPTY\}, which is not set/,
      'ENV_REF_MISSING',
    ],
    [
      'an unknown key',
      'gh:\n  command: node\n  enviroment: {}\n',
      /:3: server gh, enviroment: is not a known key/,
      'CONFIG_INVALID',
    ],
    [
      'both command and url',
      'gh:\n  command: node\n  url: https://h.example\n',
      /:1: server gh: has both command and url/,
      'CONFIG_INVALID',
    ],
    [
      'neither command nor url',
      'x: 1\ngh:\n  args: []\n',
      /:1: server x: expected a mapping[\s\S]*:2: server gh: needs exactly one of command/,
      'CONFIG_INVALID',
    ],
    [
      'a bad name',
      'Files!:\n  command: node\n',
      /:1: server "Files!": is not a valid server name/,
      'CONFIG_INVALID',
    ],
    [
      'a literal Authorization',
      'gh:\n  url: https://h.example\n  headers:\n    Authorization: Bearer abcdefgh\n',
      /:4: server gh, headers\.Authorization: is a literal credential/,
      'CONFIG_INVALID',
    ],
    [
      'a literal Cookie',
      'gh:\n  url: https://h.example\n  headers: { cookie: "s=abcdefgh" }\n',
      /server gh, headers\.cookie: is a literal credential/,
      'CONFIG_INVALID',
    ],
    [
      'a literal *-Key header',
      'gh:\n  url: https://h.example\n  headers: { X-Api-Key: abcdefgh }\n',
      /headers\.X-Api-Key: is a literal credential/,
      'CONFIG_INVALID',
    ],
    [
      'a literal *-Token header',
      'gh:\n  url: https://h.example\n  headers: { X-Auth-Token: abcdefgh }\n',
      /headers\.X-Auth-Token: is a literal credential/,
      'CONFIG_INVALID',
    ],
    [
      'a literal secret env',
      'fs:\n  command: node\n  env:\n    DB_PASSWORD: hunter22\n',
      /:4: server fs, env\.DB_PASSWORD: is a literal credential/,
      'CONFIG_INVALID',
    ],
    [
      'a literal API_KEY env',
      'fs:\n  command: node\n  env: { OPENAI_API_KEY: sk-abcdefgh }\n',
      /env\.OPENAI_API_KEY: is a literal credential/,
      'CONFIG_INVALID',
    ],
    [
      "a reference to the gateway's token",
      'gh:\n  url: https://h.example\n  headers: { Authorization: "Bearer ${FARAMESH_TOKEN}" }\n',
      /references \$\{FARAMESH_TOKEN\}, which is one of the gateway's own settings/,
      'CONFIG_INVALID',
    ],
    [
      'a reference to a DSN',
      'fs:\n  command: node\n  args: ["${DATABASE_URL}"]\n',
      /args\[0\]: references \$\{DATABASE_URL\}, which names a database connection string/,
      'CONFIG_INVALID',
    ],
    [
      'a reference to a key path',
      'fs:\n  command: node\n  env: { K: "${FARA_SIGNING_KEY_FILE}" }\n',
      /env\.K: references \$\{FARA_SIGNING_KEY_FILE\}/,
      'CONFIG_INVALID',
    ],
    [
      "a gateway setting as the child's env name",
      'fs:\n  command: node\n  env: { FARAMESH_TOKEN: "x" }\n',
      /env\.FARAMESH_TOKEN: is one of the gateway's own settings/,
      'CONFIG_INVALID',
    ],
    [
      'a literal DSN',
      'fs:\n  command: node\n  args: ["postgres://u:pw123456@db/x"]\n',
      /args\[0\]: holds a URL with a password written in the file/,
      'CONFIG_INVALID',
    ],
    [
      'a malformed reference',
      'fs:\n  command: node\n  args: ["${lower}"]\n',
      /args\[0\]: has a reference that is not \$\{NAME\}/,
      'CONFIG_INVALID',
    ],
    [
      'an unclosed reference',
      'fs:\n  command: node\n  cwd: "${DATA_DIR"\n',
      /cwd: has a `\$\{` without its closing/,
      'CONFIG_INVALID',
    ],
    [
      'a reference in command',
      'fs:\n  command: "${DATA_DIR}/bin"\n',
      /command: cannot hold a reference/,
      'CONFIG_INVALID',
    ],
    [
      'a url server with args',
      'gh:\n  url: https://h.example\n  args: []\n',
      /args: belongs to command servers only/,
      'CONFIG_INVALID',
    ],
    [
      'a command server with headers',
      'gh:\n  command: node\n  headers: {}\n',
      /headers: belongs to url servers only/,
      'CONFIG_INVALID',
    ],
    [
      'a transport header',
      'gh:\n  url: https://h.example\n  headers: { Mcp-Session-Id: "x" }\n',
      /headers\.Mcp-Session-Id: is set by the MCP transport/,
      'CONFIG_INVALID',
    ],
    [
      'a non-http url',
      'gh:\n  url: file:///etc/passwd\n',
      /url: must be an http or https URL/,
      'CONFIG_INVALID',
    ],
    [
      'a url with a password',
      'gh:\n  url: "https://u:${GITHUB_TOKEN}@h.example/"\n',
      /url: must not carry a user or password/,
      'CONFIG_INVALID',
    ],
    [
      'a bad call_timeout',
      'gh:\n  command: node\n  call_timeout: 2h\n',
      /call_timeout: expected a duration from 1s to 3600s/,
      'CONFIG_INVALID',
    ],
    [
      'a wrong type',
      'gh:\n  command: node\n  args: [1]\n',
      /:3: server gh, args\[0\]: must be string/,
      'CONFIG_INVALID',
    ],
    ['an empty file', '{}\n', /lists no servers/, 'CONFIG_INVALID'],
    ['a YAML syntax error', 'gh:\n  command: [node\n', /mcp\.yaml:\d+: Invalid YAML/, 'CONFIG_INVALID'],
  ]
  for (const [what, text, message, code] of cases) {
    it(`refuses ${what}, naming file, line, server and key`, () => {
      const err = refusal(text)
      expect(err.code).toBe(code)
      expect(err.message).toContain(FILE)
      expect(err.message).toMatch(message)
      // Never a value: not the secret, not the literal that was refused.
      for (const v of [SECRET, 'abcdefgh', 'hunter22', 'pw123456', 'gw-admin-token', 'sk-abcdefgh'])
        expect(err.message).not.toContain(v)
      expect(err.where).toMatch(/^\/etc\/faramesh\/mcp\.yaml:\d+$/)
    })
  }

  it("refuses a value that holds one of the gateway's own secrets, without showing it", () => {
    const err = refusal('fs:\n  command: node\n  args: ["--db=${DATA_DIR}/actions.db"]\n', {
      gatewaySecrets: ['/srv/data/actions.db', null],
    })
    expect(err.message).toMatch(
      /:3: server fs, args\[0\]: would hand the upstream one of the gateway's own secrets/,
    )
    expect(err.message).not.toContain('/srv/data')
  })

  it('lists every problem of the file at once', () => {
    const err = refusal(
      'a:\n  command: node\n  bogus: 1\nb:\n  url: https://h.example\n  headers: { Authorization: x }\n',
    )
    expect(err.message.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(2)
  })

  describe('from a file', () => {
    let dir: string | undefined
    afterEach(() => dir && rmSync(dir, { recursive: true, force: true }))

    it('reads the file, and names it when it cannot', () => {
      const d = (dir = mkdtempSync(join(tmpdir(), 'mcp-servers-')))
      const file = join(d, 'servers.yaml')
      writeFileSync(file, 'fs:\n  command: node\n  cwd: sub\n')
      const s = loadMcpServers(file, { env: {} })
      expect(s.servers.get('fs')).toMatchObject({ kind: 'command', cwd: join(d, 'sub') })
      expect(() => loadMcpServers(join(d, 'missing.yaml'), { env: {} })).toThrow(
        /FARAMESH_MCP_SERVERS: cannot read .*missing\.yaml \(ENOENT\)/,
      )
    })
  })
})
