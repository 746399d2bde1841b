// Writes src/action-columns.ts from the drizzle schema (see action-columns.ts). Run by `pnpm db:generate`.
import { writeFileSync } from 'node:fs'
import { actions } from '../src/sqlite/schema.ts'
import { actionColumnKinds, renderActionColumns } from './action-columns.ts'

writeFileSync(new URL('../src/action-columns.ts', import.meta.url), renderActionColumns(actionColumnKinds(actions)))
