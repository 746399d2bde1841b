// Kept equal to package.json's version by version.test.ts; runtime_version goes into every provenance_id.
export const SERVER_VERSION = '0.1.0'
export const RUNTIME_VERSION = `faramesh-ts/${SERVER_VERSION}`
