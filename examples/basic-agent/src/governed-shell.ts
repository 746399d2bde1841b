// The seed's Example 1 (`execute_command`), in TypeScript: the agent runs the command itself, but only after
// Faramesh allowed it or a human approved it, and it reports how the command went.
import { exec } from 'node:child_process'
import { ExecutionGovernorClient, FarameshPolicyError } from '@faramesh/sdk'

export class PermissionError extends Error {
  override name = 'PermissionError'
}

export interface CommandOutcome {
  actionId: string
  stdout: string
}

function run(cmd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    exec(cmd, { timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr })),
  )
}

export async function executeCommand(
  client: ExecutionGovernorClient,
  cmd: string,
  log: (line: string) => void,
  approvalTimeoutMs = 300_000,
): Promise<CommandOutcome> {
  let action
  try {
    action = await client.submitAction({ tool: 'shell', operation: 'run', params: { cmd }, context: { agent_id: 'my-bot' } })
  } catch (e) {
    // The gateway denied it: nothing runs. (The original SDK signals a denial this way too.)
    if (e instanceof FarameshPolicyError) throw new PermissionError(`Action denied: ${e.message}`)
    throw e
  }

  if (action.status === 'pending_approval') {
    log(`  waiting for approval of ${action.id} (approve in the dashboard, or: faramesh approve ${action.id.slice(0, 8)})`)
    const decided = await client.waitForDecision(action.id, { timeoutMs: approvalTimeoutMs })
    if (decided.status !== 'approved') throw new PermissionError(`Action ${decided.status}`)
  }

  const result = await run(cmd)
  await client.reportResult(action.id, {
    success: result.code === 0,
    error: result.code === 0 ? null : result.stderr.trim() || `exit code ${result.code}`,
    result: { exit_code: result.code, stdout: result.stdout.slice(0, 4000) },
  })
  return { actionId: action.id, stdout: result.stdout }
}
