// JSON Schema of a profile document; the match keys are the policy language's (`when`).
import policySchema from './policy.schema.json' with { type: 'json' }

const REASON_CODES = [
  'POLICY_ALLOW', 'POLICY_DENY', 'POLICY_REQUIRE_APPROVAL', 'DEFAULT_DENY_NO_MATCH', 'PROFILE_DISALLOWS_TOOL',
  'PROFILE_RULE_DENY', 'PROFILE_MISSING_REQUIRED_CONTROL', 'PROFILE_LOAD_ERROR', 'INTERNAL_ERROR',
]

export const profileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://faramesh.dev/schemas/profile.schema.json',
  title: 'Faramesh profile',
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1 },
    version: { type: ['string', 'number'] },
    description: { type: 'string' },
    allowed_tools: { type: 'array', items: { type: 'string', minLength: 1 } },
    required_controls: { type: 'array', items: { type: 'string', minLength: 1 } },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['when', 'outcome'],
        additionalProperties: false,
        properties: {
          when: policySchema.definitions.match,
          outcome: { enum: ['EXECUTE', 'ABSTAIN', 'HALT'] },
          reason_code: { enum: REASON_CODES },
          reason: { type: 'string' },
        },
      },
    },
  },
} as const
