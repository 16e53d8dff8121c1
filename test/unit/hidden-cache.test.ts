import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  hiddenCacheFile,
  readHiddenStates,
  writeHiddenStates,
} from '../../src/main/core/adapt/hidden-cache'

const roots: string[] = []
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
})

describe('the hidden-state cache that adaptation trains from', () => {
  it('writes into folders that do not exist yet, again after they are removed, and leaves no staging file', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sauti-hidden-'))
    roots.push(root)
    const staging = join(root, 'staging')
    const file = hiddenCacheFile(join(root, 'cache', 'hidden'), 'model-a', {
      id: 7,
      startSec: 1.25,
      endSec: 3.5,
    })
    const hidden = { frames: 2, dim: 3, data: Float32Array.from([0.5, -1, 2, 0.125, 3, -0.25]) }
    await writeHiddenStates(file, hidden, staging)
    expect(await readHiddenStates(file)).toEqual(hidden)
    // The cache is cleared (a model changed): the next write makes its folders again.
    rmSync(join(root, 'cache'), { recursive: true })
    rmSync(staging, { recursive: true })
    await writeHiddenStates(file, hidden, staging)
    expect((await readHiddenStates(file)).data).toEqual(hidden.data)
    expect(readdirSync(staging)).toEqual([])
  })
})
