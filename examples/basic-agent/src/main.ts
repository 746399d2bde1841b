// Runs a few shell commands through Faramesh and prints what happened to each.
// Usage: FARAMESH_BASE_URL=http://127.0.0.1:8000 pnpm start [command ...]
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ExecutionGovernorClient } from '@faramesh/sdk'
import { executeCommand, PermissionError } from './governed-shell.js'

// One readable line on failure (e.g. "FarameshUnavailableError: Cannot reach Faramesh at ..."), not a stack.
process.on('uncaughtException', (e) => {
  console.error(`${e.name}: ${e.message}`)
  process.exit(1)
})

const args = process.argv.slice(2).filter((a) => a !== '--')
const commands = args.length
  ? args
  : ['echo hello from a governed agent', `rm -rf ${join(tmpdir(), 'faramesh-example-victim')}`, 'ls /']

const client = new ExecutionGovernorClient() // FARAMESH_BASE_URL, FARAMESH_TOKEN from the environment
const approvalTimeoutMs = Number(process.env.APPROVAL_TIMEOUT_MS ?? 300_000)
console.log(`faramesh gateway: ${client.config.baseUrl}`)

for (const cmd of commands) {
  console.log(`$ ${cmd}`)
  try {
    const { actionId, stdout } = await executeCommand(client, cmd, console.log, approvalTimeoutMs)
    console.log(`  ran (action ${actionId}): ${stdout.trim().split('\n').slice(0, 3).join(' | ')}`)
  } catch (e) {
    if (!(e instanceof PermissionError)) throw e
    console.log(`  blocked: ${e.message}`)
  }
}
