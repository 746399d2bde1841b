// The environment an executed command gets lives in policy-core (@faramesh/policy-core/exec-env), so the MCP
// gateway refuses the same names and values for the servers it spawns without importing the server.
export { EXEC_BASE_ENV, DEFAULT_PATH, refusedExecEnvName, refusedExecEnvValue, commandEnv } from '@faramesh/policy-core/exec-env'
