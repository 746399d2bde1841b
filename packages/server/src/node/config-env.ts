// Where the gateway's settings come from, and where its relative paths point. The real environment wins over
// `.env` in the working directory, which wins over `.env` at the workspace root; an empty value reads as unset.
// Relative paths resolve against the working directory, or the workspace root when the policy file is not found
// from here (so `pnpm start` works from the root and from apps/server alike). loadConfig builds on this, and the
// CLI reads its variables and the files it shares with the gateway (tokens, profile) through it, so both always
// agree (CLI imports it from @faramesh/server/config, which loads no gateway).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { parse } from 'dotenv'

/** A variable's value, or undefined when it is unset or empty. */
export type EnvLookup = (name: string) => string | undefined

export interface ConfigEnv {
  /** Every variable: the real environment over `.env` in `cwd` over `.env` at the workspace root. */
  vars: Record<string, string>
  get: EnvLookup
  cwd: string
  /** The pnpm workspace root above `cwd`, if any. */
  root: string | null
  /** The directory relative paths resolve against. */
  baseDir: string
  /** A configured path, made absolute against baseDir. */
  at: (path: string) => string
}

/**
 * `.env` text as the gateway reads it: dotenv's syntax (quotes, `export `, `#` comments, `\n` in double quotes,
 * multi-line values). Not node:util parseEnv: it reads `KEY: value`, `\"` inside double quotes, `'it''s'` and
 * `A B=x` differently, and the gateway has always read .env with dotenv.
 */
export const parseDotEnv = (text: string): Record<string, string> => parse(text)

/** The pnpm workspace root above `dir`, if any. */
export function findWorkspaceRoot(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, 'pnpm-workspace.yaml'))) return d
    if (dirname(d) === d) return null
  }
}

function readDotEnv(dir: string): Record<string, string> {
  const file = join(dir, '.env')
  return existsSync(file) ? parseDotEnv(readFileSync(file, 'utf8')) : {}
}

/** Looks names up in a set of variables already merged (an empty value reads as unset). */
export function lookup(vars: Readonly<Record<string, string | undefined>>): EnvLookup {
  return (name) => {
    const v = vars[name]
    return v === undefined || v === '' ? undefined : v
  }
}

/** The policy file as configured: FARA_POLICY_FILE, FARAMESH_POLICY_FILE, else policies/default.yaml. */
export const policyFileOf = (get: EnvLookup): string => get('FARA_POLICY_FILE') ?? get('FARAMESH_POLICY_FILE') ?? 'policies/default.yaml'

export interface ReadConfigOptions {
  /**
   * Whether `.env` at this workspace root is read (default: any root, as the gateway reads its operator's files). The
   * CLI narrows it to its own workspace: it sends the user's token to the address it resolves.
   */
  trustRoot?: (root: string) => boolean
}

export function readConfigEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
  opts: ReadConfigOptions = {},
): ConfigEnv {
  const root = findWorkspaceRoot(cwd)
  const rootEnv = root && root !== cwd && (opts.trustRoot?.(root) ?? true) ? readDotEnv(root) : {}
  const vars: Record<string, string> = { ...rootEnv, ...readDotEnv(cwd) }
  for (const [name, value] of Object.entries(env)) if (value !== undefined) vars[name] = value
  const get = lookup(vars)
  const policyFile = policyFileOf(get)
  const baseDir = isAbsolute(policyFile) || existsSync(resolve(cwd, policyFile)) || !root ? cwd : root
  return { vars, get, cwd, root, baseDir, at: (p) => resolve(baseDir, p) }
}

/**
 * The execution profile: FARAMESH_PROFILE_FILE (the original's name; FARA_PROFILE_FILE, ours before, stays as an
 * alias), else profiles/default.yaml when it exists, else none.
 */
export function profilePathOf(c: ConfigEnv): string | null {
  const configured = c.get('FARAMESH_PROFILE_FILE') ?? c.get('FARA_PROFILE_FILE')
  if (configured) return c.at(configured)
  const fallback = c.at('profiles/default.yaml')
  return existsSync(fallback) ? fallback : null
}

/** The scoped-tokens file: FARAMESH_TOKENS_FILE, else data/tokens.json (`faramesh token create` writes it). */
export const tokensFileOf = (c: ConfigEnv): string => c.at(c.get('FARAMESH_TOKENS_FILE') ?? 'data/tokens.json')
