// A generated 10,000-rule policy shaped like a big real one: 400 tools with 24 rules each (operations, amount
// bands, path and method checks, some contains), a few any-tool guard rules spread through the file, default deny.

export interface GeneratedPolicy {
  doc: { rules: Array<Record<string, unknown>> }
  requests: Array<{ agent_id: string; tool: string; operation: string; params: Record<string, unknown>; context: Record<string, unknown> }>
}

/** `effects`: the package's EFFECTS, handed in by run.ts from the built package (typecheck runs before the build). */
export function generatePolicy(effects: readonly string[], totalRules = 10_000): GeneratedPolicy {
  const tools = 400
  const perTool = 24
  const rules: Array<Record<string, unknown>> = []
  let guard = 0
  outer: for (let t = 0; t < tools; t++) {
    for (let k = 0; k < perTool; k++) {
      if (rules.length >= totalRules - 1) break outer
      // Every 1000th rule is an any-tool guard, so indexed evaluation must interleave them correctly.
      if (rules.length % 1000 === 999) {
        rules.push({ match: { tool: '*', contains: `forbidden-${guard++}` }, deny: true, description: 'guard' })
        continue
      }
      const match: Record<string, unknown> = { tool: `svc${t}`, op: `op${k % 8}` }
      if (k % 3 === 1) match.amount_gt = 100 * k
      if (k % 5 === 2) match.path_starts_with = `/data/${k}`
      if (k % 7 === 3) match.method = 'POST'
      if (k % 11 === 4) match.contains = `flag${k}`
      const effect = effects[k % effects.length]!
      rules.push({ match, [effect]: true, description: `svc${t} rule ${k}` })
    }
  }
  rules.push({ match: { tool: '*', op: '*' }, deny: true, description: 'Default deny rule' })

  const requests: GeneratedPolicy['requests'] = []
  for (let i = 0; i < 64; i++) {
    const t = (i * 37) % (tools + 20) // some tools have no rules at all
    requests.push({
      agent_id: `agent-${i % 5}`,
      tool: `svc${t}`,
      operation: `op${i % 9}`,
      params: { amount: (i * 131) % 3000, path: `/data/${i % 24}/file`, method: i % 2 ? 'post' : 'get', note: i % 13 === 0 ? 'forbidden-3' : 'ok' },
      context: {},
    })
  }
  return { doc: { rules }, requests }
}
