#!/usr/bin/env node
// Entry point of the `faramesh` binary. Global flags may come before the command (`faramesh --json get abc`,
// as in the original CLI); oclif wants the command first, so they are moved behind it.
import { execute } from '@oclif/core'
import { hoistGlobalFlags } from '../dist/argv.js'

await execute({ dir: import.meta.url, args: hoistGlobalFlags(process.argv.slice(2)) })
