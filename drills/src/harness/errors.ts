// The drills' one error class: a harness step that could not be carried out (a process that would not start,
// a server that never became ready). Drill assertions themselves fail through vitest's expect.

export const DRILL_ERROR_CODES = {
  NOT_BUILT: 'A build output the drill needs is missing (run the build first)',
  START_FAILED: 'A process exited before it became ready',
  NOT_READY: 'A process did not become ready in time',
  POSTGRES: 'The throw-away Postgres cluster failed',
  BAD_FILE: 'A deployment file could not be read or parsed',
} as const

export type DrillErrorCode = keyof typeof DRILL_ERROR_CODES

export class DrillError extends Error {
  override readonly name = 'DrillError'
  readonly code: DrillErrorCode

  constructor(code: DrillErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ? `${DRILL_ERROR_CODES[code]}: ${message}` : DRILL_ERROR_CODES[code], options)
    this.code = code
  }
}
