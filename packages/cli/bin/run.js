#!/usr/bin/env node
// Entry point of the `faramesh` binary. Global flags may come before the command (`faramesh --json get abc`,
// as in the original CLI); oclif wants the command first, so they are moved behind it.
import module from 'node:module'

// Most of start-up is compiling @oclif/core: keep the compiled code between runs (Node ≥ 22.1; a no-op before).
module.enableCompileCache?.()
const { execute } = await import('@oclif/core')
const { hoistGlobalFlags } = await import('../dist/argv.js')

await execute({ dir: import.meta.url, args: hoistGlobalFlags(process.argv.slice(2)) })
