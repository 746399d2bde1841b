// `pnpm db:generate` writes the next SQLite migration (migrations/sqlite/NNNN_name.sql) from src/sqlite/schema.ts.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({ dialect: 'sqlite', schema: './src/sqlite/schema.ts', out: './migrations/sqlite' })
