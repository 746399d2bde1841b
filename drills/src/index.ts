// The drills' harness, for the bench and for anyone scripting their own drill.
export { DrillError, DRILL_ERROR_CODES, type DrillErrorCode } from './harness/errors.js'
export { repoRoot, dockerDir, gatewayMain, FULL, size } from './harness/paths.js'
export { freePort } from './harness/ports.js'
export {
  startGatewayProcess,
  gatewayEnv,
  type GatewayOptions,
  type GatewayProcess,
} from './harness/gateway-process.js'
export { startPostgresCluster, type PostgresCluster } from './harness/postgres-cluster.js'
export { submitLoad, failureCount, type LoadOptions, type LoadResult } from './harness/load.js'
export {
  lintDockerfile,
  parseStages,
  runtimeStage,
  type Stage,
  type LintProblem,
} from './harness/dockerfile.js'
export { validateCompose, resolveCompose, interpolate, serviceEnv } from './harness/compose.js'
export { layOutImage, type ImageRoot } from './harness/image-root.js'
export {
  makeWorkspace,
  sqliteEnv,
  postgresEnv,
  drillRequest,
  DRILL_POLICY,
  DRILL_TOKEN,
} from './harness/workspace.js'
