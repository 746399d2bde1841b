#!/usr/bin/env node
// Entry point of the `faramesh` binary. Global flags may come before the command (`faramesh --json get abc`,
// as in the original CLI); oclif wants the command first, so they are moved behind it.
import module from 'node:module'

// Most of start-up is compiling @oclif/core: keep the compiled code between runs (Node ≥ 22.1; a no-op before).
module.enableCompileCache?.()
// Before anything else loads: on an older Node the gateway's SQLite binding would crash with no message.
const { exitIfUnsupportedNode } = await import('@faramesh/server/node-version')
exitIfUnsupportedNode('From a clone of the repository run `pnpm faramesh <command>` at its root (pnpm runs it on the Node.js the repository installs).')
const { execute } = await import('@oclif/core')
const { hoistGlobalFlags } = await import('../dist/argv.js')

await execute({ dir: import.meta.url, args: hoistGlobalFlags(process.argv.slice(2)) })
