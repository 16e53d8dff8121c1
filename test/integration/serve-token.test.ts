import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { servingToken, TOKEN_FILE } from '../../src/main/hosts/serve-token'

const dataDir = mkdtempSync(join(tmpdir(), 'sauti-token-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
const file = join(dataDir, TOKEN_FILE)

describe('the serving token of a data folder', () => {
  it('is made once, readable by its owner only, and the same on every restart', async () => {
    const first = await servingToken(dataDir)
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(await servingToken(dataDir)).toBe(first)
    expect(readFileSync(file, 'utf8').trim()).toBe(first)
  })

  it('is replaced when asked, when others could read it, or when it is not a token', async () => {
    const kept = await servingToken(dataDir)
    const fresh = await servingToken(dataDir, true)
    expect(fresh).not.toBe(kept)
    chmodSync(file, 0o644)
    const afterExposure = await servingToken(dataDir)
    expect(afterExposure).not.toBe(fresh)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    writeFileSync(file, 'short', { mode: 0o600 })
    expect(await servingToken(dataDir)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    // A 24-byte token kept by an older version is weaker than the server accepts: replaced.
    writeFileSync(file, 'dFPksgGdbrpx37Qzepi3H7LeMpGNfTo_', { mode: 0o600 })
    expect(await servingToken(dataDir)).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })
})
