// JSON Schema of a profile document (CONTRACT.md § Profiles): the original's schema (Faramesh 0.3,
// src/faramesh/server/profiles.py), every other key rejected with its location. Two places are stricter than the
// original, which loaded such files and then ignored the part in question: a rule's `when` must be a non-empty
// policy match mapping (the original skipped rules with an empty `when` and read only tool and op/operation in it,
// so `amount_gt` silently matched everything), and `outcome` must be one of the three outcomes (the original ran
// any other value as EXECUTE).
import policySchema from './policy.schema.json' with { type: 'json' }
import { OUTCOMES } from './wire-values.js'

export const profileSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://faramesh.dev/schemas/profile.schema.json',
  title: 'Faramesh execution profile',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, description: 'Default "default".' },
    // The original required a string; an integer is taken as its decimal text (version: 1 hashes as "1").
    version: { type: ['string', 'integer'], description: 'Default "1".' },
    allowed_tools: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Default []: no tool is allowed.' },
    rules: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'when'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, description: 'Also the reason of the decisions this rule makes.' },
          when: policySchema.definitions.match,
          pattern: { type: 'string', description: 'RE2 regular expression searched in the canonical JSON of params.' },
          outcome: { enum: OUTCOMES, description: 'Default HALT.' },
          reason_code: { type: 'string', minLength: 1, description: 'Default PROFILE_RULE_DENY; any code may be named.' },
        },
      },
    },
    required_controls: {
      type: 'object',
      additionalProperties: false,
      properties: { approval_token: { type: 'boolean', description: 'Default false.' } },
    },
  },
} as const
