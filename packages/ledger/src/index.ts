// `@faramesh/ledger`: the Ledger interface, its error type, and the offline chain verifier.
export type {
  ActionPage,
  ActionRecord,
  ActionsReport,
  CheckpointReport,
  ChainEvent,
  CreatedAction,
  Ledger,
  LedgerOptions,
  LedgerStats,
  ListFilter,
  NewEvent,
  StagedAction,
  TransitionRequest,
  VerifyOptions,
  VerifyReason,
  VerifyResult,
} from './types.js'
export {
  LedgerError,
  LEDGER_ERROR_CODES,
  UNAVAILABLE_REASONS,
  isLedgerError,
  unavailableReason,
  type LedgerErrorCode,
  type UnavailableReason,
} from './errors.js'
export { verifyNdjson, type NdjsonInput } from './verify-ndjson.js'
/** The actions table's columns in table order with how each is stored, generated from the drizzle schema. */
export { ACTION_COLUMNS } from './action-columns.js'
export { eventBody, eventHash, type StoredEvent } from './hash-chain.js'
export { checkpointPayload, keyIdOf } from './signing.js'
export { sqliteSigningKeyPath } from './signing-key-file.js'
