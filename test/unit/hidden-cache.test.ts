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

  it('names a file by the samples the encoder read, so a span moved by less than a millisecond is not served old states', () => {
    const file = (startSec: number, endSec: number): string =>
      hiddenCacheFile('/cache', 'm', { id: 7, startSec, endSec })
    expect(file(1.25, 3.5)).toBe(join('/cache', 'm', '7_20000_56000.f16'))
    // 0.4 ms later: six samples fewer are read, and the old file is not found.
    expect(file(1.25, 3.4996)).not.toBe(file(1.25, 3.5))
    // The same samples (a rounding difference far below one sample) share the file.
    expect(file(1.25 + 1e-9, 3.5)).toBe(file(1.25, 3.5))
  })
})
