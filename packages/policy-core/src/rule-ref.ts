// How a rule is named wherever a person reads it: `rules[3]`, counted from 0, exactly the API's `rule_index` and
// the YAML path a policy error points at (`rules[3].match.amount_gt`). The CLI (explain, policy-diff, policy test,
// policy simulate) and the dashboard all print rules with this function, so one rule never has two numbers.
// No imports: the dashboard loads it in the browser through `@faramesh/policy-core/wire`.

/** `rules[3]` for `rule_index` 3. */
export function ruleRef(ruleIndex: number): string {
  return `rules[${ruleIndex}]`
}
