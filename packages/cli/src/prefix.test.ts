import { describe, expect, it } from 'vitest'
import { CliError } from './errors.js'
import { resolveAction, type PrefixCandidate } from './prefix.js'

const ids = [
  '2755d4a8-1000-47e6-873c-b9fd535234ad',
  '2755d4a8-2000-47e6-873c-b9fd535234ad',
  'a1b2c3d4-0000-4000-8000-000000000000',
]
const source = (list: string[] = ids) => ({
  get: async (id: string): Promise<PrefixCandidate | null> => (list.includes(id) ? { id } : null),
  findByPrefix: async (p: string, limit: number) => list.filter((id) => id.startsWith(p)).slice(0, limit).map((id) => ({ id, status: 'allowed' })),
})

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p
  } catch (err) {
    if (err instanceof CliError) return err
    throw err
  }
  throw new Error('expected a CliError')
}

describe('resolveAction', () => {
  it('uses a full id as is, and a unique prefix of any case', async () => {
    expect((await resolveAction(source(), ids[2] as string)).id).toBe(ids[2])
    expect((await resolveAction(source(), 'A1B2')).id).toBe(ids[2])
  })

  it('is not found when nothing matches', async () => {
    expect((await failure(resolveAction(source(), 'ffff'))).code).toBe('NOT_FOUND')
    expect((await failure(resolveAction(source(), 'ffffffff-ffff-4fff-8fff-ffffffffffff'))).code).toBe('NOT_FOUND')
  })

  it('lists every match of an ambiguous prefix, even an 8-character one', async () => {
    const e = await failure(resolveAction(source(), '2755d4a8'))
    expect(e.code).toBe('AMBIGUOUS_ID')
    expect(e.message).toContain(ids[0])
    expect(e.message).toContain(ids[1])
    expect((e.details as { matches: unknown[] }).matches).toHaveLength(2)
  })

  it('caps the listing of a very common prefix', async () => {
    const many = Array.from({ length: 30 }, (_, i) => `abc${i.toString(16).padStart(5, '0')}-0000-4000-8000-000000000000`)
    const e = await failure(resolveAction(source(many), 'abc'))
    expect(e.message).toContain('matches more than 20 actions')
    expect((e.details as { matches: unknown[] }).matches).toHaveLength(20)
  })

  it('rejects text that cannot be an id as a usage error', async () => {
    expect((await failure(resolveAction(source(), 'rm -rf'))).code).toBe('USAGE')
    expect((await failure(resolveAction(source(), ''))).code).toBe('USAGE')
  })
})
