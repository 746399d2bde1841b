// Public API of @faramesh/risk (pure): the same risk function for the server, CLI and tests.
export { assessRisk } from './assess.js'
export type { RiskAssessment } from './assess.js'
export { applyRisk, HIGH_RISK_SUFFIX } from './apply.js'
export type { RiskedDecision } from './apply.js'
