// Run an example the way a user does (a separate Node process against FARAMESH_BASE_URL) and capture what it
// printed, so example tests check the real program, not a copy of it.
import { spawn } from 'node:child_process'

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunningExample {
  /** Resolves when the process exits (or is killed at the deadline). */
  done: Promise<RunResult>
  /** Output so far. */
  output(): string
}

export function runExample(
  script: string,
  env: Record<string, string>,
  o: { cwd?: string; timeoutMs?: number; args?: string[] } = {},
): RunningExample {
  const child = spawn(process.execPath, [script, ...(o.args ?? [])], {
    cwd: o.cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
  const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 60000)
  const done = new Promise<RunResult>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    }),
  )
  return { done, output: () => stdout }
}

/**
 * Act as the human approver: poll the gateway for pending actions and approve (or deny) each one that
 * `decide` picks, until `signal` aborts. Returns the ids it handled.
 */
export async function approveWhilePending(
  baseUrl: string,
  decide: (action: { id: string; tool: string; params: Record<string, unknown> }) => boolean | undefined,
  signal: AbortSignal,
): Promise<string[]> {
  const handled: string[] = []
  while (!signal.aborted) {
    const res = await fetch(`${baseUrl}/v1/actions?status=pending_approval&limit=50`, { signal }).catch(() => null)
    const list = res?.ok ? ((await res.json()) as Array<{ id: string; tool: string; params: Record<string, unknown>; approval_token: string | null }>) : []
    for (const a of list) {
      const verdict = decide(a)
      if (verdict === undefined || handled.includes(a.id)) continue
      const r = await fetch(`${baseUrl}/v1/actions/${a.id}/approval`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ approve: verdict, reason: verdict ? 'approved by test' : 'denied by test' }),
        signal,
      }).catch(() => null)
      if (r?.ok) handled.push(a.id)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return handled
}
