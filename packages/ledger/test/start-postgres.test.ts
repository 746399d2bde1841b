import postgres from 'postgres'
import { describe, expect, it } from 'vitest'
import { startPostgres } from '../src/testing/index.js'

describe('startPostgres', () => {
  it('starts a throw-away server on a random port that accepts queries, and removes it on stop', async () => {
    const t0 = Date.now()
    const pg = await startPostgres()
    const startedMs = Date.now() - t0
    const sql = postgres(pg.dsn, { max: 1 })
    try {
      const [row] = await sql<Array<{ v: string; sync: string }>>`select current_setting('server_version_num') as v, current_setting('synchronous_commit') as sync`
      expect(Number(row!.v)).toBeGreaterThanOrEqual(150000)
      expect(row!.sync).toBe('on')
    } finally {
      await sql.end()
      await pg.stop()
    }
    const { existsSync } = await import('node:fs')
    expect(existsSync(pg.dataDir)).toBe(false)
    console.log(`postgres started in ${startedMs} ms`)
  }, 60_000)
})
