// The shell commands a document tells people to type, checked the way a person without root would run them:
// read out of ```sh blocks (or plain lines), split into simple commands with shell-quote (quotes, `&&`, `;`,
// comments), then checked for a command that needs root after a `sudo chown` took a file away from the user,
// and run for real as an unprivileged user with `sudo` meaning "this one command as root".
import { spawnSync } from 'node:child_process'
import { parse } from 'shell-quote'
import { DrillError } from './errors.js'

/** One command line (continuations joined) from each ```sh / ```bash block of a Markdown document. */
export function shellLines(markdown: string): string[] {
  const lines: string[] = []
  for (const block of markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
    lines.push(...block[1]!.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')))
  }
  return lines
}

const SEPARATORS = new Set(['&&', '||', ';', '|'])

/** The simple commands of one line, as argv arrays (variables kept as `$NAME`, comments dropped). */
export function simpleCommands(line: string): string[][] {
  const commands: string[][] = [[]]
  for (const entry of parse(line, (name) => `$${name}`)) {
    if (typeof entry === 'string') commands.at(-1)!.push(entry)
    else if ('op' in entry && SEPARATORS.has(entry.op)) commands.push([])
  }
  return commands.filter((c) => c.length > 0)
}

export interface SudoProblem {
  line: string
  command: string
  /** The file a `sudo chown` gave away earlier, which this command touches without sudo. */
  path: string
}

/**
 * After `sudo chown OWNER FILE`, FILE belongs to someone else: a later command naming FILE without sudo runs as
 * the user, who may no longer change it (`chmod` → "Operation not permitted") or even read it.
 */
export function unsudoedAfterChown(lines: string[]): SudoProblem[] {
  const givenAway = new Set<string>()
  const problems: SudoProblem[] = []
  for (const line of lines) {
    for (const argv of simpleCommands(line)) {
      const sudo = argv[0] === 'sudo'
      const args = sudo ? argv.slice(1) : argv
      if (!sudo) {
        for (const path of args.filter((a) => givenAway.has(a))) problems.push({ line, command: argv.join(' '), path })
      }
      if (sudo && args[0] === 'chown') for (const path of args.slice(1).filter((a) => !a.startsWith('-')).slice(1)) givenAway.add(path)
    }
  }
  return problems
}

export interface User {
  uid: number
  gid: number
}

export type RunResult = { ok: true } | { ok: false; command: string; status: number | null; stderr: string }

/**
 * Runs `line` in `cwd` the way `user` would at a shell with sudo: each command as `user`, except those that start
 * with `sudo`, which run as root (we are root; the user is not). Only `&&` may join the commands (what the
 * documents use); stops at the first failure, as `&&` does.
 */
export function runWithSudo(line: string, cwd: string, user: User): RunResult {
  const ops = parse(line).flatMap((e) => (typeof e === 'object' && 'op' in e && SEPARATORS.has(e.op) ? [e.op] : []))
  if (ops.some((op) => op !== '&&')) throw new DrillError('BAD_FILE', `${line}: only && may join commands here`)
  for (const argv of simpleCommands(line)) {
    const sudo = argv[0] === 'sudo'
    const [file, ...args] = sudo ? argv.slice(1) : argv
    const r = spawnSync(file!, args, {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LANG: 'C' },
      ...(sudo ? {} : { uid: user.uid, gid: user.gid }),
    })
    if (r.status !== 0) return { ok: false, command: argv.join(' '), status: r.status, stderr: r.stderr || String(r.error ?? '') }
  }
  return { ok: true }
}
