// bin/run.js checks the Node version before anything native loads: on Node 20 the SQLite binding used to end
// `faramesh serve` (and every command that opens a database) with a bare SIGSEGV.
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { BIN, cli, olderNode, tempDir } from './helpers.js'

const OLD_NODE = olderNode()

function runWith(node: string, args: string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(node, [BIN, ...args], { cwd: tempDir(), env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
}

const MESSAGE =
  /^faramesh: Node\.js \d+\.\d+\.\d+ is too old: Faramesh needs Node\.js 22 or newer\. From a clone of the repository run `pnpm faramesh <command>` at its root [^\n]*\n$/

describe('the Node.js check of bin/run.js', () => {
  it.skipIf(OLD_NODE === null)('on an older Node, every command prints one line saying what to run and exits 1', async () => {
    for (const args of [['serve', '--port', '0'], ['--version']]) {
      const r = await runWith(OLD_NODE!, args)
      expect({ args, code: r.code, signal: r.signal, stdout: r.stdout }).toEqual({ args, code: 1, signal: null, stdout: '' })
      expect(r.stderr).toMatch(MESSAGE)
    }
  })

  it('still starts on the Node pnpm runs it with', async () => {
    const r = await cli(['--version'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^@faramesh\/cli\/\d+\.\d+\.\d+ .* node-v2[2-9]\./)
    expect(r.stderr).toBe('')
  })
})
