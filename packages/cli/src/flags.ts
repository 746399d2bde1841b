// Arguments and flags several commands share.
import { Args, Flags } from '@oclif/core'

export { ACTION_STATUSES, RISK_LEVELS } from '@faramesh/policy-core'

export const actionIdArg = Args.string({
  description: 'Action id or a unique prefix of it (8+ characters recommended)',
  required: true,
})

export const reasonFlag = Flags.string({ char: 'r', description: 'Why (recorded on the event)' })
