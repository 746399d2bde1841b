// Reading docker/Dockerfile without a Docker engine: lint it with two npm linters, and extract what the
// final (runtime) stage will run, so a drill can run the very same command with the very same environment.
import { createRequire } from 'node:module'
import { DockerfileParser, type Env, type Instruction, type ModifiableInstruction } from 'dockerfile-ast'
import { validate } from 'dockerfile-utils'
import { DrillError } from './errors.js'

const require = createRequire(import.meta.url)
// dockerfilelint is CommonJS with no ESM entry.
const dockerfilelint = require('dockerfilelint') as {
  run(
    configPath: string,
    content: string,
  ): Array<{ title: string; description: string; line: number; rule: string }>
}

export interface LintProblem {
  linter: 'dockerfile-utils' | 'dockerfilelint'
  line: number
  message: string
}

export function lintDockerfile(text: string): LintProblem[] {
  const problems: LintProblem[] = []
  for (const d of validate(text)) {
    const message = typeof d.message === 'string' ? d.message : d.message.value
    problems.push({ linter: 'dockerfile-utils', line: d.range.start.line + 1, message })
  }
  // The first argument is where to look for a .dockerfilelintrc; an empty dir means the default rules.
  for (const item of dockerfilelint.run('', text)) {
    problems.push({ linter: 'dockerfilelint', line: item.line, message: `${item.rule}: ${item.title}` })
  }
  return problems
}

export interface CopyStep {
  from: string | null
  sources: string[]
  dest: string
}

/** One instruction of a stage, in order (for replaying the build stage). */
export interface Step {
  keyword: string
  /** RUN: the shell command; COPY: sources then destination; WORKDIR: the path. */
  args: string[]
  from: string | null
}

export interface Stage {
  name: string | null
  steps: Step[]
  image: string
  env: Record<string, string>
  workdir: string | null
  user: string | null
  copies: CopyStep[]
  runs: string[]
  exposes: string[]
  volumes: string[]
  cmd: string[] | null
  healthcheck: { cmd: string[]; flags: Record<string, string> } | null
}

function jsonArray(ins: Instruction, what: string): string[] {
  const raw = ins.getArgumentsContent() ?? ''
  try {
    const parsed: unknown = JSON.parse(raw)
    if (Array.isArray(parsed) && parsed.every((a) => typeof a === 'string')) return parsed
  } catch {
    // fall through to the error below
  }
  throw new DrillError(
    'BAD_FILE',
    `${what} on line ${ins.getRange().start.line + 1} is not an exec-form JSON array`,
  )
}

function flagsOf(ins: Instruction): Record<string, string> {
  const flags: Record<string, string> = {}
  for (const f of (ins as ModifiableInstruction).getFlags()) flags[f.getName()] = f.getValue() ?? ''
  return flags
}

export function parseStages(text: string): Stage[] {
  const stages: Stage[] = []
  let stage: Stage | null = null
  for (const ins of DockerfileParser.parse(text).getInstructions()) {
    const keyword = ins.getKeyword()
    const args = ins.getArguments().map((a) => a.getValue())
    if (keyword === 'FROM') {
      stage = {
        name: args[2] ?? null,
        steps: [],
        image: args[0] ?? '',
        env: {},
        workdir: null,
        user: null,
        copies: [],
        runs: [],
        exposes: [],
        volumes: [],
        cmd: null,
        healthcheck: null,
      }
      stages.push(stage)
      continue
    }
    if (!stage) continue
    if (keyword === 'RUN') stage.steps.push({ keyword, args: [ins.getArgumentsContent() ?? ''], from: null })
    if (keyword === 'COPY' || keyword === 'WORKDIR') {
      stage.steps.push({
        keyword,
        args: args.filter((a) => !a.startsWith('--')),
        from: keyword === 'COPY' ? (flagsOf(ins).from ?? null) : null,
      })
    }
    switch (keyword) {
      case 'ENV':
        for (const p of (ins as Env).getProperties()) stage.env[p.getName()] = p.getValue() ?? ''
        break
      case 'WORKDIR':
        stage.workdir = args[0] ?? null
        break
      case 'USER':
        stage.user = args[0] ?? null
        break
      case 'COPY': {
        const from = flagsOf(ins).from ?? null
        const paths = args.filter((a) => !a.startsWith('--'))
        stage.copies.push({ from, sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' })
        break
      }
      case 'RUN':
        stage.runs.push(ins.getArgumentsContent() ?? '')
        break
      case 'EXPOSE':
        stage.exposes.push(...args)
        break
      case 'VOLUME':
        stage.volumes.push(...jsonArray(ins, 'VOLUME'))
        break
      case 'CMD':
        stage.cmd = jsonArray(ins, 'CMD')
        break
      case 'HEALTHCHECK': {
        const content = ins.getArgumentsContent() ?? ''
        const at = content.indexOf('CMD')
        if (at < 0) throw new DrillError('BAD_FILE', 'HEALTHCHECK without CMD')
        const cmd: unknown = JSON.parse(content.slice(at + 3).trim())
        stage.healthcheck = { cmd: cmd as string[], flags: flagsOf(ins) }
        break
      }
    }
  }
  return stages
}

/** The stage the image runs: the last one. */
export function runtimeStage(text: string): Stage {
  const stages = parseStages(text)
  const last = stages.at(-1)
  if (!last) throw new DrillError('BAD_FILE', 'the Dockerfile has no FROM')
  return last
}
