// The policy every SDK gateway test runs against: one rule per path the SDK must handle.
export const POLICY = `
rules:
  - match: { tool: http, op: get }
    allow: true
    description: reads are fine
  - match: { tool: shell, op: run, contains: "rm -rf" }
    deny: true
    description: destructive command
  - match: { tool: shell, op: run, contains: "echo" }
    allow: true
    description: echo is harmless
  - match: { tool: shell, op: "*" }
    require_approval: true
    description: shell needs a human
  - match: { tool: payments, op: refund, amount_gt: 1000 }
    require_approval: true
    description: large refund
  - match: { tool: payments, op: "*" }
    allow: true
`

export const ADMIN = 'admin-secret-token'
