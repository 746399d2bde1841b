// Shell completion scripts generated from the command list oclif already has (the manifest), so a new
// command or flag is completed without editing anything here.

export interface CompletableCommand {
  id: string
  aliases: readonly string[]
  flags: readonly string[]
  hidden?: boolean
}

export type Shell = 'bash' | 'zsh' | 'fish'

function words(commands: readonly CompletableCommand[]): { top: string[]; sub: Map<string, string[]>; flags: Map<string, string[]> } {
  const top = new Set<string>()
  const sub = new Map<string, string[]>()
  const flags = new Map<string, string[]>()
  for (const c of commands) {
    if (c.hidden) continue
    for (const id of [c.id, ...c.aliases]) {
      const parts = id.split(':')
      top.add(parts[0] as string)
      if (parts.length > 1) {
        const topic = parts[0] as string
        sub.set(topic, [...new Set([...(sub.get(topic) ?? []), parts.slice(1).join(' ')])].sort())
      }
      flags.set(parts.join(' '), c.flags.map((f) => `--${f}`))
    }
  }
  return { top: [...top].sort(), sub, flags }
}

function bash(bin: string, commands: readonly CompletableCommand[]): string {
  const { top, sub, flags } = words(commands)
  const subCases = [...sub].map(([t, s]) => `    ${t}) COMPREPLY=($(compgen -W "${s.join(' ')}" -- "$cur")); return;;`).join('\n')
  const flagCases = [...flags].map(([id, f]) => `    "${id}") opts="${f.join(' ')}";;`).join('\n')
  return `# ${bin} completion for bash. Load it with: source <(${bin} completion bash)
_${bin}_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${top.join(' ')}" -- "$cur")); return
  fi
  if [ "$COMP_CWORD" -eq 2 ] && [[ "$cur" != -* ]]; then
    case "\${COMP_WORDS[1]}" in
${subCases}
    esac
  fi
  local id="\${COMP_WORDS[1]}" opts=""
  if [ "$COMP_CWORD" -ge 3 ] && [[ "\${COMP_WORDS[2]}" != -* ]]; then
    case "\${COMP_WORDS[1]} \${COMP_WORDS[2]}" in
${[...flags].filter(([id]) => id.includes(' ')).map(([id]) => `      "${id}") id="${id}";;`).join('\n')}
    esac
  fi
  case "$id" in
${flagCases}
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _${bin}_complete ${bin}
`
}

function fish(bin: string, commands: readonly CompletableCommand[]): string {
  const { top, sub, flags } = words(commands)
  const lines = [`# ${bin} completion for fish. Load it with: ${bin} completion fish | source`]
  lines.push(`complete -c ${bin} -f -n '__fish_use_subcommand' -a '${top.join(' ')}'`)
  for (const [t, s] of sub) lines.push(`complete -c ${bin} -f -n '__fish_seen_subcommand_from ${t}' -a '${s.join(' ')}'`)
  for (const [id, f] of flags) {
    const last = id.split(' ').pop() as string
    for (const flag of f) lines.push(`complete -c ${bin} -n '__fish_seen_subcommand_from ${last}' -l ${flag.slice(2)}`)
  }
  return `${lines.join('\n')}\n`
}

export function completionScript(shell: Shell, bin: string, commands: readonly CompletableCommand[]): string {
  if (shell === 'fish') return fish(bin, commands)
  const script = bash(bin, commands)
  if (shell === 'zsh') {
    return `# ${bin} completion for zsh. Load it with: source <(${bin} completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${script}`
  }
  return script
}
