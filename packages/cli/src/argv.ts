// The original CLI took global options before the command (`faramesh --host 0.0.0.0 --port 9000 list`).
// oclif reads the first word as the command id, so leading global flags are moved to the end of argv.

const WITH_VALUE = new Set(['--host', '--port', '--token'])
const BOOLEAN = new Set(['--json', '--no-color'])

export function hoistGlobalFlags(argv: readonly string[]): string[] {
  const moved: string[] = []
  let i = 0
  while (i < argv.length) {
    const arg = argv[i] as string
    const name = arg.split('=', 1)[0] as string
    if (BOOLEAN.has(arg)) {
      moved.push(arg)
      i += 1
    } else if (WITH_VALUE.has(name) && arg.includes('=')) {
      moved.push(arg)
      i += 1
    } else if (WITH_VALUE.has(arg) && i + 1 < argv.length) {
      moved.push(arg, argv[i + 1] as string)
      i += 2
    } else {
      break
    }
  }
  const rest = argv.slice(i)
  // `faramesh --json` alone (or with only --version/--help) has no command to attach the flags to.
  if (rest.length === 0) return [...argv]
  const dashDash = rest.indexOf('--')
  if (dashDash === -1) return [...rest, ...moved]
  return [...rest.slice(0, dashDash), ...moved, ...rest.slice(dashDash)]
}
