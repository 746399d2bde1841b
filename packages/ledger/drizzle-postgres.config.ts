// `pnpm db:generate` writes the next Postgres migration (migrations/postgres/NNNN_name.sql) from src/postgres/schema.ts.
import { defineConfig } from 'drizzle-kit'

export default defineConfig({ dialect: 'postgresql', schema: './src/postgres/schema.ts', out: './migrations/postgres' })
