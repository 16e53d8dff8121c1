import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findModel, modelsDir } from '../../src/main/core/asr/model-store'

describe('finding a registered model by what a user types', () => {
  let dataDir: string
  // Two releases of one model (a user who had 0.2.1 and imported 0.3.0) and another model.
  const registered = [
    { id: '1a2b3c4d5e6f', name: 'sauti-starter-multilingual-ctc', version: '0.2.1' },
    { id: 'b982f3733304', name: 'sauti-starter-multilingual-ctc', version: '0.3.0' },
    { id: 'b9c0ffee0000', name: 'kisii-asr', version: '1.0.0' },
  ]

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sauti-find-model-'))
    for (const m of registered) {
      mkdirSync(join(modelsDir(dataDir), m.id), { recursive: true })
      writeFileSync(
        join(modelsDir(dataDir), m.id, 'model.json'),
        JSON.stringify({ name: m.name, version: m.version, registration: {} }),
      )
    }
  })
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

  it('takes a unique name, id or id prefix, and name@version where releases share a name', async () => {
    expect((await findModel(dataDir, 'kisii-asr')).id).toBe('b9c0ffee0000')
    expect((await findModel(dataDir, 'b98')).id).toBe('b982f3733304')
    expect((await findModel(dataDir, 'sauti-starter-multilingual-ctc@0.2.1')).id).toBe(
      '1a2b3c4d5e6f',
    )
  })

  it('says which releases a shared name or prefix could mean, and how to choose', async () => {
    await expect(findModel(dataDir, 'sauti-starter-multilingual-ctc')).rejects.toThrow(
      '"sauti-starter-multilingual-ctc" matches 2 models: 1a2b3c4d5e6f (sauti-starter-multilingual-ctc@0.2.1), b982f3733304 (sauti-starter-multilingual-ctc@0.3.0); give the id, more of it, or name@version.',
    )
    await expect(findModel(dataDir, 'b9')).rejects.toThrow(/matches 2 models/)
    await expect(findModel(dataDir, 'sauti-starter-multilingual-ctc@9.9')).rejects.toThrow(
      /no registered model "sauti-starter-multilingual-ctc@9.9"/,
    )
  })
})
