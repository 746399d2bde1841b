// The actions table's columns as the ledger's codec needs them (name → text | json | int, in table order, without
// the list position `pos`), read from a drizzle table. scripts/write-action-columns.ts writes src/action-columns.ts
// with it (run by `pnpm db:generate`); test/schema.test.ts fails when that file and the schema disagree.
import { getTableColumns, type Table } from 'drizzle-orm'

export type ColumnKind = 'text' | 'json' | 'int'

/** drizzle's column classes → how the codec stores a value. JSON is `text` in json mode on SQLite, `jsonb` on Postgres. */
const KINDS: Readonly<Record<string, ColumnKind>> = {
  SQLiteText: 'text',
  SQLiteTextJson: 'json',
  SQLiteInteger: 'int',
  PgText: 'text',
  PgJsonb: 'json',
  PgInteger: 'int',
}

export function actionColumnKinds(actions: Table): Array<[string, ColumnKind]> {
  return Object.values(getTableColumns(actions))
    .filter((c) => c.name !== 'pos')
    .map((c) => {
      const kind = KINDS[c.columnType]
      if (!kind) throw new Error(`actions.${c.name}: no codec kind for drizzle column type ${c.columnType}`)
      return [c.name, kind]
    })
}

export function renderActionColumns(kinds: Array<[string, ColumnKind]>): string {
  const lines = kinds.map(([name, kind]) => `  ${name}: '${kind}',`)
  return `// Generated from src/sqlite/schema.ts by \`pnpm db:generate\` (scripts/write-action-columns.ts): do not edit.
// The actions table's columns in table order (the order of the INSERT's placeholders and of the encoded row),
// without the list position \`pos\`; test/schema.test.ts fails when this file and the schema disagree.
import type { ActionRecord } from './types.js'

export const ACTION_COLUMNS = {
${lines.join('\n')}
} as const satisfies Record<keyof Required<ActionRecord>, 'text' | 'json' | 'int'>
`
}
