export { startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.js'
export { approveWhilePending, runExample, type RunResult, type RunningExample } from './run-example.js'
