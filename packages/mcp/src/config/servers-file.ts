// FARAMESH_MCP_SERVERS: the upstream MCP servers the gateway serves at /mcp/<name>, read once at start. Every problem
// stops the start and is reported with the file, line, server and key, never with a value: the file holds (references
// to) credentials, and a start-up error ends up in logs and terminals.
import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'
import { Ajv, type ErrorObject } from 'ajv'
import { durationMs } from '@faramesh/policy-core/duration'
import { refusedExecEnvName, refusedExecEnvValue } from '@faramesh/policy-core/exec-env'
import { joinPath, loadYaml, type YamlSource } from '@faramesh/policy-core/yaml-source'
import { McpGateError, type McpErrorCode } from '../errors.js'
import type { ServerEntry, ServerSettings } from '../types.js'
import { literalOf, parseTemplate, refsOf, resolveSegments } from './env-refs.js'
import { createRedactor, seal, sealedRecord, type Redactor } from './secrets.js'
import { SERVER_KEYS, SERVER_NAME, serversSchema } from './servers-schema.js'

export interface LoadServersOptions {
  /** The gateway's variables as its config resolver reads them (real environment over .env); empty reads as unset. */
  env: Readonly<Record<string, string | undefined>>
  /** The gateway's own token, DSN and key and database paths: no upstream may be handed one. */
  gatewaySecrets?: readonly (string | null | undefined)[]
}

/** What may be shown about a server (GET /v1/mcp/servers, logs): no command, URL, header, argument or variable. */
export interface ServerSummary {
  name: string
  kind: 'command' | 'url'
  hide_denied_tools: boolean
  client_roots: boolean
  govern_resources: boolean
  call_timeout_ms: number | null
}

export interface McpServers {
  file: string
  servers: ReadonlyMap<string, ServerEntry>
  /** Masks every value the environment supplied (for upstream error texts and child stderr). */
  redact: Redactor
  summary(): ServerSummary[]
}

const validate = new Ajv({ allErrors: true, strict: true }).compile(serversSchema)

/** Headers a Streamable HTTP client sets itself (or that describe the connection): configuring one is a mistake. */
const TRANSPORT_HEADERS = new Set([
  'accept',
  'content-type',
  'content-length',
  'host',
  'connection',
  'transfer-encoding',
  'mcp-session-id',
  'mcp-protocol-version',
  'last-event-id',
])
const CREDENTIAL_HEADER = /^(authorization|proxy-authorization|cookie)$|-(key|token)$/i
const CREDENTIAL_ENV = /TOKEN|SECRET|KEY|PASSWORD/i
const MAX_CALL_TIMEOUT_MS = 3_600_000

export function loadMcpServers(file: string, opts: LoadServersOptions): McpServers {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new McpGateError('CONFIG_INVALID', `FARAMESH_MCP_SERVERS: cannot read ${file} (${why})`, {
      where: file,
      cause: err,
    })
  }
  return parseMcpServers(text, file, opts)
}

interface Problem {
  code: McpErrorCode
  /** file:line */
  where: string
  line: string
}

export function parseMcpServers(text: string, file: string, opts: LoadServersOptions): McpServers {
  let doc: YamlSource
  try {
    doc = loadYaml(text, file)
  } catch (err) {
    const e = err as { line?: number | null; message?: string }
    throw new McpGateError(
      'CONFIG_INVALID',
      `FARAMESH_MCP_SERVERS ${file}:${e.line ?? 1}: ${e.message ?? String(err)}`,
      { where: `${file}:${e.line ?? 1}`, cause: err },
    )
  }
  const problems: Problem[] = []
  const at = (path: string, key = false): string =>
    `${file}:${(key ? doc.locateKey(path) : doc.locate(path))?.line ?? 1}`
  const fail = (
    code: McpErrorCode,
    path: string,
    server: string | null,
    key: string | null,
    why: string,
    onKey = false,
  ): void => {
    const who = server === null ? '' : key === null ? ` server ${server}:` : ` server ${server}, ${key}:`
    const where = at(path, onKey)
    problems.push({ code, where, line: `${where}:${who} ${why}` })
  }
  const value = doc.value
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new McpGateError(
      'CONFIG_INVALID',
      `FARAMESH_MCP_SERVERS ${file}:1: expected a mapping of server names to {command, …} or {url, …}`,
      { where: `${file}:1` },
    )
  }
  const raw = value as Record<string, Record<string, unknown>>
  if (Object.keys(raw).length === 0) fail('CONFIG_INVALID', '', null, null, 'lists no servers')
  const schemaErrors = validate(raw) ? [] : (validate.errors ?? [])

  const env = opts.env
  const lookup = (name: string): string | undefined => (env[name] === '' ? undefined : env[name])
  const gatewaySecrets = (opts.gatewaySecrets ?? []).filter(
    (s): s is string => typeof s === 'string' && s !== '',
  )
  const resolved: string[] = []
  const servers = new Map<string, ServerEntry>()

  for (const [name, spec] of Object.entries(raw)) {
    const base = joinPath('', name)
    if (!new RegExp(SERVER_NAME).test(name)) {
      fail(
        'CONFIG_INVALID',
        base,
        JSON.stringify(name),
        null,
        'is not a valid server name: a-z, 0-9, _ and -, starting with a letter or digit, at most 63 characters',
        true,
      )
      continue
    }
    const mine = schemaErrors.filter(
      (e) => e.instancePath === `/${name}` || e.instancePath.startsWith(`/${name}/`),
    )
    if (mine.length > 0) {
      for (const e of mine) schemaProblem(e, name, fail)
      continue
    }
    const before = problems.length
    // One template field: parsed, its references checked and resolved; undefined when it has a problem.
    const field = (path: string, key: string, v: string, credential: boolean): string | undefined => {
      const parsed = parseTemplate(v)
      if ('error' in parsed) return void fail('CONFIG_INVALID', path, name, key, parsed.error)
      const refs = refsOf(parsed.segments)
      if (credential && refs.length === 0) {
        return void fail(
          'CONFIG_INVALID',
          path,
          name,
          key,
          'is a literal credential: write it as a reference to the gateway environment, such as "Bearer ${GITHUB_TOKEN}"',
        )
      }
      if (refusedExecEnvValue(literalOf(parsed.segments), []) !== null) {
        return void fail(
          'CONFIG_INVALID',
          path,
          name,
          key,
          'holds a URL with a password written in the file: put the URL in the gateway environment and reference it as ${NAME}',
        )
      }
      let ok = true
      for (const ref of refs) {
        const why = refusedExecEnvName(ref)
        if (why)
          fail(
            'CONFIG_INVALID',
            path,
            name,
            key,
            `references \${${ref}}, which ${why}: an upstream never gets the gateway's settings, tokens, database URLs or key paths`,
          )
        else if (lookup(ref) === undefined)
          fail(
            'ENV_REF_MISSING',
            path,
            name,
            key,
            `references \${${ref}}, which is not set in the gateway environment or .env`,
          )
        else continue
        ok = false
      }
      if (!ok) return undefined
      const out = resolveSegments(parsed.segments, (n) => lookup(n)!)
      // A value the environment supplied may be any other DSN (an upstream's own database), never the gateway's.
      if (gatewaySecrets.some((secret) => out.includes(secret))) {
        return void fail(
          'CONFIG_INVALID',
          path,
          name,
          key,
          "would hand the upstream one of the gateway's own secrets (its token, DSN or a key or database path)",
        )
      }
      for (const ref of refs) resolved.push(lookup(ref)!)
      return out
    }

    const hasCommand = spec.command !== undefined
    const hasUrl = spec.url !== undefined
    if (hasCommand === hasUrl) {
      fail(
        'CONFIG_INVALID',
        base,
        name,
        null,
        hasCommand
          ? 'has both command and url: give exactly one'
          : 'needs exactly one of command (a program to spawn) or url (a Streamable HTTP server)',
        true,
      )
      continue
    }
    for (const k of hasCommand ? ['headers'] : ['args', 'env', 'cwd']) {
      if (spec[k] !== undefined)
        fail(
          'CONFIG_INVALID',
          joinPath(base, k),
          name,
          k,
          `belongs to ${hasCommand ? 'url' : 'command'} servers only`,
          true,
        )
    }
    const settings = serverSettings(name, spec, base, (path, key, why) =>
      fail('CONFIG_INVALID', path, name, key, why),
    )

    let entry: ServerEntry | null = null
    if (hasCommand) {
      const command = spec.command as string
      if (command.includes('${'))
        fail(
          'CONFIG_INVALID',
          joinPath(base, 'command'),
          name,
          'command',
          'cannot hold a reference (references are read in args, env, cwd, url and headers)',
        )
      const args = ((spec.args ?? []) as string[]).map((a, i) =>
        field(joinPath(joinPath(base, 'args'), i), `args[${i}]`, a, false),
      )
      const childEnv: Record<string, string> = {}
      for (const [k, v] of Object.entries((spec.env ?? {}) as Record<string, string>)) {
        const path = joinPath(joinPath(base, 'env'), k)
        if (/^FARA(MESH)?_/i.test(k))
          fail(
            'CONFIG_INVALID',
            path,
            name,
            `env.${k}`,
            "is one of the gateway's own settings (FARAMESH_*, FARA_*): an upstream never gets them",
            true,
          )
        const out = field(path, `env.${k}`, v, CREDENTIAL_ENV.test(k))
        if (out !== undefined) childEnv[k] = out
      }
      const cwdRaw = spec.cwd as string | undefined
      const cwd = cwdRaw === undefined ? undefined : field(joinPath(base, 'cwd'), 'cwd', cwdRaw, false)
      if (problems.length === before) {
        entry = {
          ...settings,
          kind: 'command',
          command,
          args: args as string[],
          env: sealedRecord(childEnv),
          ...(cwd === undefined ? {} : { cwd: isAbsolute(cwd) ? cwd : resolve(dirname(file), cwd) }),
        }
      }
    } else {
      const url = field(joinPath(base, 'url'), 'url', spec.url as string, false)
      if (url !== undefined)
        checkUrl(url, (why) => fail('CONFIG_INVALID', joinPath(base, 'url'), name, 'url', why))
      const headers: Record<string, string> = {}
      const seen = new Set<string>()
      for (const [k, v] of Object.entries((spec.headers ?? {}) as Record<string, string>)) {
        const path = joinPath(joinPath(base, 'headers'), k)
        const lower = k.toLowerCase()
        if (seen.has(lower))
          fail(
            'CONFIG_INVALID',
            path,
            name,
            `headers.${k}`,
            'is listed twice (header names ignore case)',
            true,
          )
        seen.add(lower)
        if (TRANSPORT_HEADERS.has(lower))
          fail(
            'CONFIG_INVALID',
            path,
            name,
            `headers.${k}`,
            'is set by the MCP transport itself and cannot be configured',
            true,
          )
        const out = field(path, `headers.${k}`, v, CREDENTIAL_HEADER.test(k))
        if (out !== undefined) headers[k] = out
      }
      if (problems.length === before)
        entry = { ...settings, kind: 'url', url: url!, headers: sealedRecord(headers) }
    }
    if (entry)
      servers.set(
        name,
        seal(entry, () => summaryOf(entry)),
      )
  }

  if (problems.length > 0) {
    const first = problems[0]!
    throw new McpGateError(
      first.code,
      `FARAMESH_MCP_SERVERS is not valid:\n${problems.map((p) => `  ${p.line}`).join('\n')}`,
      { where: first.where },
    )
  }
  const redact = createRedactor(resolved)
  const result: McpServers = { file, servers, redact, summary: () => [...servers.values()].map(summaryOf) }
  return seal(result, () => ({ file, servers: result.summary() }))
}

function serverSettings(
  name: string,
  spec: Record<string, unknown>,
  base: string,
  fail: (path: string, key: string, why: string) => void,
): ServerSettings {
  const s: ServerSettings = {
    name,
    hideDeniedTools: (spec.hide_denied_tools as boolean | undefined) ?? true,
    // A remote agent declaring roots would widen what a filesystem server may touch: off unless the operator says so.
    clientRoots: (spec.client_roots as boolean | undefined) ?? false,
    governResources: (spec.govern_resources as boolean | undefined) ?? false,
  }
  const t = spec.call_timeout as string | number | undefined
  if (t !== undefined) {
    const ms = typeof t === 'number' ? t * 1000 : durationMs(t, ['s', 'm', 'h'], 's')
    if (ms === null || ms < 1000 || ms > MAX_CALL_TIMEOUT_MS)
      fail(
        joinPath(base, 'call_timeout'),
        'call_timeout',
        'expected a duration from 1s to 3600s (such as 300, 300s, 5m or 1h)',
      )
    else s.callTimeoutMs = ms
  }
  return s
}

function checkUrl(url: string, fail: (why: string) => void): void {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return fail('is not an absolute URL')
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return fail('must be an http or https URL')
  if (u.username !== '' || u.password !== '')
    fail(
      'must not carry a user or password: send credentials in a header, such as Authorization: "Bearer ${TOKEN}"',
    )
}

function summaryOf(e: ServerEntry): ServerSummary {
  return {
    name: e.name,
    kind: e.kind,
    hide_denied_tools: e.hideDeniedTools,
    client_roots: e.clientRoots,
    govern_resources: e.governResources,
    call_timeout_ms: e.callTimeoutMs ?? null,
  }
}

type Fail = (
  code: McpErrorCode,
  path: string,
  server: string | null,
  key: string | null,
  why: string,
  onKey?: boolean,
) => void

/** An ajv error in operator words (keys and types only; ajv's own messages never quote the data). */
function schemaProblem(e: ErrorObject, server: string, fail: Fail): void {
  const parts = e.instancePath
    .split('/')
    .slice(2)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  let path = joinPath('', server)
  for (const p of parts) path = joinPath(path, /^\d+$/.test(p) && parts[0] === 'args' ? Number(p) : p)
  const key =
    parts.length === 0
      ? null
      : parts.map((p, i) => (i > 0 && /^\d+$/.test(p) ? `[${p}]` : i > 0 ? `.${p}` : p)).join('')
  if (e.keyword === 'additionalProperties') {
    const extra = String((e.params as { additionalProperty: string }).additionalProperty)
    const k = key === null ? extra : `${key}.${extra}`
    return fail(
      'CONFIG_INVALID',
      joinPath(path, extra),
      server,
      k,
      `is not a known key (known: ${SERVER_KEYS.join(', ')})`,
      true,
    )
  }
  if (e.keyword === 'propertyNames')
    return fail(
      'CONFIG_INVALID',
      path,
      server,
      key,
      key === 'env'
        ? 'holds a name that is not a variable name'
        : 'holds a name that is not an HTTP header name',
    )
  if (e.keyword === 'pattern') return // reported by its propertyNames error
  if (e.keyword === 'type' && parts.length === 0)
    return fail(
      'CONFIG_INVALID',
      path,
      server,
      null,
      'expected a mapping such as {command: …} or {url: …}',
      true,
    )
  fail('CONFIG_INVALID', path, server, key, e.message ?? 'is not valid')
}
