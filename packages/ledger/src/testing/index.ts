// `@faramesh/ledger/testing`: helpers for tests of this and later packages.
export { startPostgres, type PostgresInstance, type StartPostgresOptions } from './start-postgres.js'
