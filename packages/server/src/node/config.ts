// loadConfig(env, cwd): every variable of the seed's table plus ours, with the legacy names and their
// precedence (FARAMESH_* over FARA_*; real environment over .env). The CLI's `faramesh serve` calls this too.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { durationMs } from '@faramesh/policy-core/duration'
import { ApiError } from '../errors.js'
import type { LogLevel } from '../logger.js'
import { findWorkspaceRoot, policyFileOf, profilePathOf, readConfigEnv, tokensFileOf, type EnvLookup } from './config-env.js'
import { executorSettings, type ExecutorSettings } from './executor-config.js'

export interface GatewayConfig extends ExecutorSettings {
  host: string
  port: number
  token: string | null
  /** The scoped-tokens file the gateway follows: FARAMESH_TOKENS_FILE, else data/tokens.json (which may appear later). */
  tokensFile: string
  /** Named by FARAMESH_TOKENS_FILE: auth is on even while the file is missing. */
  tokensFileRequired: boolean
  allowUnauthenticated: boolean
  enableCors: boolean
  corsOrigins: string[]
  demo: boolean
  hotReload: boolean
  /** As configured, and resolved to an absolute path. */
  policyFile: string
  policyPath: string
  policyVersion: string | null
  /** Absolute path of the profile file, or null when none is configured and profiles/default.yaml is absent. */
  profilePath: string | null
  dbBackend: 'sqlite' | 'postgres'
  sqlitePath: string
  postgresDsn: string | null
  signingKeyPath: string | null
  /** FARAMESH_CHECKPOINT_EVERY: sign the ledger's head after this many events or this long, whichever comes first. */
  checkpointEvery: CheckpointEvery
  approvalTtlMs: number
  actionTimeoutSec: number
  executors: string[]
  uiDir: string | null
  logLevel: LogLevel
  sseHeartbeatMs: number
  /** FARAMESH_BODY_TIMEOUT: a request (headers and body) not received whole within this is answered 408 and closed. */
  bodyTimeoutMs: number
  /** FARAMESH_MCP_SERVERS: the MCP upstreams file the gateway serves at /mcp/<name>, resolved; null when unset. */
  mcpServersPath: string | null
  /**
   * FARAMESH_MCP_START_GRACE (default 60 s, at least 5 s): an `mcp:` call held by a wrapper (no holder gateway) that
   * is approved but not started within this is failed: its wrapper, which starts within a second, is gone.
   */
  mcpStartGraceMs: number
  /** FARAMESH_PUBLIC_URL: the dashboard's base URL as people reach it (links in MCP messages); null: the listen URL. */
  publicUrl: string | null
  /** Directory relative paths were resolved against. */
  baseDir: string
}

export interface CheckpointEvery {
  events: number
  intervalMs: number
}

export const CHECKPOINT_EVERY_DEFAULT: CheckpointEvery = { events: 1000, intervalMs: 60_000 }

const TRUE = new Set(['1', 'true', 'yes', 'on'])
const FALSE = new Set(['0', 'false', 'no', 'off', ''])

const bad = (name: string, why: string): ApiError => new ApiError('CONFIG_INVALID', `${name}: ${why}`, { where: name })

function flag(v: string | undefined, name: string, dflt: boolean): boolean {
  if (v === undefined) return dflt
  const s = v.trim().toLowerCase()
  if (TRUE.has(s)) return true
  if (FALSE.has(s)) return false
  throw bad(name, `expected 1 or 0, got ${JSON.stringify(v)}`)
}

function int(v: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined || v.trim() === '') return dflt
  if (!/^\d+$/.test(v.trim())) throw bad(name, `expected an integer, got ${JSON.stringify(v)}`)
  const n = Number(v)
  if (n < min || n > max) throw bad(name, `must be between ${min} and ${max}`)
  return n
}

/** "90", "90s", "30m", "24h", "7d" → milliseconds. */
export function parseDuration(v: string | undefined, name: string, dfltMs: number): number {
  if (v === undefined || v.trim() === '') return dfltMs
  const ms = durationMs(v.toLowerCase(), ['s', 'm', 'h', 'd'], 's')
  if (ms === null || ms === 0) throw bad(name, `expected a duration such as 3600, 30m, 24h, got ${JSON.stringify(v)}`)
  return ms
}

/**
 * FARAMESH_CHECKPOINT_EVERY: a count of events and/or a duration, comma-separated (`1000,60s`, `500`, `30s`,
 * `2000, 5m`); a part left out keeps its default (1000 events, 60 s). Counts 1 to 1,000,000; durations 1 s to 24 h.
 * There is no "off": the gateway also signs at every graceful shutdown, and a ledger left unsigned for long is the
 * blind spot this closes.
 */
export function parseCheckpointEvery(v: string | undefined, name = 'FARAMESH_CHECKPOINT_EVERY'): CheckpointEvery {
  if (v === undefined || v.trim() === '') return { ...CHECKPOINT_EVERY_DEFAULT }
  const out: Partial<CheckpointEvery> = {}
  const expected = `expected a count of events and/or a duration, such as 1000,60s, 500 or 30s; got ${JSON.stringify(v)}`
  for (const raw of v.split(',')) {
    const part = raw.trim().toLowerCase()
    const count = /^\d+$/.exec(part)
    const ms = durationMs(part, ['ms', 's', 'm', 'h'])
    if (count && out.events === undefined) {
      const n = Number(part)
      if (n < 1 || n > 1_000_000) throw bad(name, `the count of events must be between 1 and 1000000, got ${part}`)
      out.events = n
    } else if (ms !== null && out.intervalMs === undefined) {
      if (ms < 1000 || ms > 86_400_000) throw bad(name, `the interval must be between 1s and 24h, got ${part}`)
      out.intervalMs = ms
    } else throw bad(name, expected)
  }
  return { ...CHECKPOINT_EVERY_DEFAULT, ...out }
}

const moduleRoot = (): string | null => findWorkspaceRoot(dirname(fileURLToPath(import.meta.url)))

// Where the gateway listens, and its single token: the CLI connects with the same values (FARAMESH_* over FARA_*).
export const hostOf = (e: EnvLookup): string => e('FARAMESH_HOST') ?? e('FARA_API_HOST') ?? '127.0.0.1'
export const portOf = (e: EnvLookup): number =>
  e('FARAMESH_PORT') !== undefined ? int(e('FARAMESH_PORT'), 'FARAMESH_PORT', 8000, 0, 65535) : int(e('FARA_API_PORT'), 'FARA_API_PORT', 8000, 0, 65535)
export const tokenOf = (e: EnvLookup): string | null => e('FARAMESH_TOKEN') ?? e('FARA_AUTH_TOKEN') ?? null

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): GatewayConfig {
  const source = readConfigEnv(env, cwd)
  const { get: e, root, baseDir, at } = source
  const policyFile = policyFileOf(e)

  const backend = (e('FARA_DB_BACKEND') ?? 'sqlite').toLowerCase()
  if (backend !== 'sqlite' && backend !== 'postgres') throw bad('FARA_DB_BACKEND', 'expected sqlite or postgres')
  const postgresDsn = e('FARA_POSTGRES_DSN') ?? e('DATABASE_URL') ?? null
  if (backend === 'postgres' && !postgresDsn) throw bad('FARA_POSTGRES_DSN', 'required when FARA_DB_BACKEND=postgres')

  const profilePath = profilePathOf(source)

  const executors = (e('FARAMESH_EXECUTORS') ?? 'shell')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  for (const x of executors) if (x !== 'shell' && x !== 'none') throw bad('FARAMESH_EXECUTORS', `unknown executor ${x} (known: shell, none)`)

  const uiEnv = e('FARAMESH_UI_DIR')
  const uiRoot = root ?? moduleRoot()
  const uiDefault = uiRoot ? join(uiRoot, 'apps', 'dashboard', 'build') : null
  const uiDir = uiEnv ? at(uiEnv) : uiDefault && existsSync(join(uiDefault, 'index.html')) ? uiDefault : null

  const level = (e('FARAMESH_LOG_LEVEL') ?? 'info').toLowerCase()
  if (!['debug', 'info', 'warn', 'error', 'silent'].includes(level)) throw bad('FARAMESH_LOG_LEVEL', 'expected debug, info, warn, error or silent')

  const c: Omit<GatewayConfig, keyof ExecutorSettings> = {
    host: hostOf(e),
    port: portOf(e),
    token: tokenOf(e),
    // `faramesh token create` writes data/tokens.json by default: the gateway follows it, present or not yet.
    tokensFile: tokensFileOf(source),
    tokensFileRequired: e('FARAMESH_TOKENS_FILE') !== undefined,
    allowUnauthenticated: flag(e('FARAMESH_ALLOW_UNAUTHENTICATED'), 'FARAMESH_ALLOW_UNAUTHENTICATED', false),
    enableCors: flag(e('FARAMESH_ENABLE_CORS'), 'FARAMESH_ENABLE_CORS', true),
    corsOrigins: (e('FARAMESH_CORS_ORIGINS') ?? '*').split(',').map((s) => s.trim()).filter(Boolean),
    demo: flag(e('FARAMESH_DEMO'), 'FARAMESH_DEMO', false),
    hotReload: flag(e('FARAMESH_HOT_RELOAD'), 'FARAMESH_HOT_RELOAD', false),
    policyFile,
    policyPath: at(policyFile),
    policyVersion: e('FARAMESH_POLICY_VERSION') ?? null,
    profilePath,
    dbBackend: backend,
    sqlitePath: at(e('FARA_SQLITE_PATH') ?? 'data/actions.db'),
    postgresDsn,
    signingKeyPath: e('FARAMESH_SIGNING_KEY_FILE') ? at(e('FARAMESH_SIGNING_KEY_FILE')!) : null,
    checkpointEvery: parseCheckpointEvery(e('FARAMESH_CHECKPOINT_EVERY')),
    approvalTtlMs: parseDuration(e('FARAMESH_APPROVAL_TTL'), 'FARAMESH_APPROVAL_TTL', 24 * 3600 * 1000),
    actionTimeoutSec: int(e('FARAMESH_ACTION_TIMEOUT'), 'FARAMESH_ACTION_TIMEOUT', 300, 1, 3600),
    executors: executors.includes('none') ? [] : executors,
    uiDir,
    logLevel: level as LogLevel,
    bodyTimeoutMs: parseDuration(e('FARAMESH_BODY_TIMEOUT'), 'FARAMESH_BODY_TIMEOUT', 30_000),
    sseHeartbeatMs: int(e('FARAMESH_SSE_HEARTBEAT_MS'), 'FARAMESH_SSE_HEARTBEAT_MS', 15_000, 100, 3_600_000),
    mcpServersPath: e('FARAMESH_MCP_SERVERS') ? at(e('FARAMESH_MCP_SERVERS')!) : null,
    mcpStartGraceMs: mcpStartGraceOf(e('FARAMESH_MCP_START_GRACE')),
    publicUrl: publicUrlOf(e('FARAMESH_PUBLIC_URL')),
    baseDir,
  }
  return { ...c, ...executorSettings(e, c) }
}

/** A live wrapper polls every second: a grace shorter than 5 s could fail a call it is about to start. */
function mcpStartGraceOf(v: string | undefined): number {
  const ms = parseDuration(v, 'FARAMESH_MCP_START_GRACE', 60_000)
  if (ms < 5000 || ms > 86_400_000) throw bad('FARAMESH_MCP_START_GRACE', `expected a duration between 5s and 24h, got ${JSON.stringify(v)}`)
  return ms
}

/** An http(s) URL without credentials, query or fragment; its trailing slash dropped. */
function publicUrlOf(v: string | undefined): string | null {
  if (v === undefined) return null
  let u: URL
  try {
    u = new URL(v)
  } catch {
    throw bad('FARAMESH_PUBLIC_URL', `expected an http or https URL, got ${JSON.stringify(v)}`)
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search || u.hash) {
    throw bad('FARAMESH_PUBLIC_URL', 'expected an http or https URL without credentials, query or fragment')
  }
  return u.href.replace(/\/+$/, '')
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])
export const isLoopback = (host: string): boolean => LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host)

/** No credentials on a reachable address is an open gateway: refuse unless explicitly allowed. */
export function assertSafeBinding(c: GatewayConfig): void {
  if (isLoopback(c.host) || c.token || c.tokensFileRequired || existsSync(c.tokensFile) || c.allowUnauthenticated) return
  throw new ApiError(
    'CONFIG_INVALID',
    `Refusing to listen on ${c.host} without authentication: set FARAMESH_TOKEN (or FARAMESH_TOKENS_FILE), ` +
      'bind to 127.0.0.1, or set FARAMESH_ALLOW_UNAUTHENTICATED=1 to run open on purpose.',
    { where: 'FARAMESH_HOST' },
  )
}
