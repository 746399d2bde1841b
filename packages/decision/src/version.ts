// runtime_version is `faramesh-ts/<server package version>` (CONTRACT.md § Hashes) and goes into every
// provenance_id, so it lives with decide(). SERVER_VERSION is kept equal to @faramesh/server's package.json version
// by that package's version.test.ts.
export const SERVER_VERSION = '0.1.0'
export const RUNTIME_VERSION = `faramesh-ts/${SERVER_VERSION}`
