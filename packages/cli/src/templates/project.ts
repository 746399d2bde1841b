// Files written by `faramesh init`: a starter policy, its test cases and an .env example.

export const STARTER_POLICY = `# Faramesh policy. Rules are checked in order and the first match wins; when nothing matches, the action
# is denied. Try a change with \`faramesh policy test\` and \`faramesh policy simulate\` before deploying it.
rules:
  - match: { tool: http, op: get }
    allow: true
    description: Allow HTTP GET requests
    risk: low

  - match: { tool: shell, op: "*", pattern: "rm -rf|shutdown|reboot|mkfs" }
    deny: true
    description: Block destructive shell commands
    risk: high

  - match: { tool: shell, op: "*" }
    require_approval: true
    description: Shell commands require approval
    risk: medium

  - match: { tool: stripe, op: refund, amount_gt: 1000 }
    require_approval: true
    description: Large refunds require approval
    risk: medium

  # No fixed risk here: the risk rules below decide, and a high risk turns this allow into an approval.
  - match: { tool: stripe, op: "*" }
    allow: true
    description: Allow other Stripe operations

  # Default deny (keep it last)
  - match: { tool: "*", op: "*" }
    deny: true
    description: Default deny rule
    risk: high

risk:
  rules:
    - name: large_charges
      when: { tool: stripe, operation: charge, amount_gt: 5000 }
      risk_level: high
`

export const STARTER_POLICY_TESTS = `# Cases for policies/default.yaml. Run them with: faramesh policy test policies/tests/default.test.yaml
policy: ../default.yaml
cases:
  - name: HTTP GET is allowed
    request: { tool: http, operation: get, params: { url: "https://example.com" } }
    expect: { decision: allow, reason_code: POLICY_ALLOW, risk: low }
  - name: rm -rf is blocked
    request: { tool: shell, operation: run, params: { cmd: "rm -rf /tmp/x" } }
    expect: { decision: deny, reason_code: POLICY_DENY, risk: high }
  - name: other shell commands need approval
    request: { tool: shell, operation: run, params: { cmd: ls } }
    expect: { decision: require_approval, risk: medium }
  - name: a large refund needs approval
    request: { tool: stripe, operation: refund, params: { amount: 2500 } }
    expect: { decision: require_approval, reason: Large refunds require approval }
  - name: a small refund is allowed
    request: { tool: stripe, operation: refund, params: { amount: 20 } }
    expect: { decision: allow, rule_index: 4 }
  - name: a small charge is allowed at low risk
    request: { tool: stripe, operation: charge, params: { amount: 30 } }
    expect: { decision: allow, risk: low, risk_rule: null }
  - name: a large charge is high risk, so the allow becomes an approval
    request: { tool: stripe, operation: charge, params: { amount: 9000 } }
    expect: { decision: require_approval, reason_code: POLICY_REQUIRE_APPROVAL, risk: high, risk_rule: large_charges }
  - name: unknown tools are denied
    request: { tool: email, operation: send }
    expect: { decision: deny, rule_index: 5 }
`

export const ENV_EXAMPLE = `# Copy to .env and adjust. Real environment variables win over this file.
FARAMESH_HOST=127.0.0.1
FARAMESH_PORT=8000
# FARAMESH_TOKEN=change-me
# FARAMESH_TOKENS_FILE=data/tokens.json
FARAMESH_ENABLE_CORS=1
# FARAMESH_HOT_RELOAD=1
# FARAMESH_DEMO=1
FARA_POLICY_FILE=policies/default.yaml
FARA_DB_BACKEND=sqlite
FARA_SQLITE_PATH=data/actions.db
# FARA_POSTGRES_DSN=postgres://user:pass@localhost:5432/faramesh
`
