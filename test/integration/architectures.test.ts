import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { changeSplitPolicy } from '../../src/main/core/adapt/splits'
import { recordConsent } from '../../src/main/core/consent/speakers'
import type { Workbench } from '../../src/main/core/workbench'
import type { EventMap } from '../../src/shared/contract'
import type { ModelRegistration } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import { swahiliSentences, swahiliSpeakers, synthesiseCorpus } from '../support/synthetic-speech'
import {
  expectNoOpenWorkbenches,
  importAndWait,
  openTestWorkbench,
  runJob,
} from '../support/workbench'

/**
 * The architectures people bring, each as its ecosystem exports it (logits only; built by
 * test/fixtures/models/make-architectures.py with random weights): every one imports (Sauti
 * exposing its hidden states), labels, adapts (an adapter and head trained on its exposed
 * states) and rescores the untranscribed utterances with the checkpoint.
 */
const architectures = join(appRoot, 'test/fixtures/models/architectures')
let wb: Workbench
let dataDir: string
let dispose: () => Promise<void>
let audioDir: string

async function registerModel(input: Record<string, unknown>): Promise<EventMap['job.finished']> {
  const done = new Promise<EventMap['job.finished']>((resolve) => {
    const off = wb.events.on('job.finished', (f) => {
      if (f.kind !== 'model') return
      off()
      resolve(f)
    })
  })
  const started = await wb.call('model.import', input)
  if (!started.ok) throw new Error(started.error.message)
  return done
}

beforeAll(async () => {
  ;({ workbench: wb, dataDir, dispose } = await openTestWorkbench('architectures'))
  audioDir = mkdtempSync(join(tmpdir(), 'sauti-arch-'))
  const labelled = synthesiseCorpus(
    join(audioDir, 'labelled'),
    swahiliSentences().slice(0, 12),
    swahiliSpeakers.slice(0, 3),
  )
  const pool = synthesiseCorpus(
    join(audioDir, 'pool'),
    swahiliSentences().slice(12, 15),
    swahiliSpeakers.slice(0, 1),
    'sw',
    { transcribed: false },
  )
  const db = wb.project.db
  changeSplitPolicy(db, { unit: 'recording', minDevMinutes: 0 }, 'test setup', false)
  expect((await importAndWait(wb, [labelled])).imported).toBe(12)
  expect((await importAndWait(wb, [pool])).imported).toBe(3)
  for (const { id } of db.prepare('SELECT id FROM speaker').all() as { id: number }[])
    for (const scope of ['annotation', 'model_training'] as const)
      recordConsent(db, { speakerId: id, scope, grantedAt: '2026-01-01T00:00:00Z' })
}, 300_000)

afterAll(async () => {
  await dispose()
  rmSync(audioDir, { recursive: true, force: true })
  expectNoOpenWorkbenches()
})

describe.each([
  ['wav2vec2-tiny', 'MatMul', 'samples'],
  ['hubert-tiny', 'MatMul', 'samples'],
  ['xlsr-tiny', 'MatMul', 'samples'],
  ['mms-tiny', 'MatMul', 'samples'],
  ['wav2vec2-tiny-int8', 'MatMulInteger', 'samples'],
  ['conformer-tiny', 'Conv', 'log-mel'],
  ['conformer-tiny-int8', 'Conv', 'log-mel'],
])('%s', (folder, headOp, input) => {
  let modelId: string

  it('imports with its hidden states exposed, the edit recorded, the original untouched', async () => {
    const original = readFileSync(join(architectures, folder, 'model.onnx'))
    const finished = await registerModel({ dir: join(architectures, folder) })
    expect(finished.status, finished.error?.message).toBe('done')
    const { model, warnings } = finished.registered as ModelRegistration
    expect(model).toMatchObject({ canAdapt: true, edited: true, input, labellingOnlyBecause: null })
    expect(warnings).toEqual([])
    modelId = model.id
    const manifest = JSON.parse(
      readFileSync(join(dataDir, 'models', model.id, 'model.json'), 'utf8'),
    ) as { provenance: { sautiEdits: { head: string; originalSha256: string }[] } }
    expect(manifest.provenance.sautiEdits[0]!.head).toMatch(new RegExp(`^${headOp} `))
    expect(manifest.provenance.sautiEdits[0]!.originalSha256.startsWith(model.id)).toBe(true)
    expect(readFileSync(join(architectures, folder, 'model.onnx')).equals(original)).toBe(true)
  }, 60_000)

  it('labels every utterance', async () => {
    const finished = await runJob(wb, 'label.start', { model: modelId })
    expect(finished.status, finished.error?.message).toBe('done')
    expect(finished.labelled).toMatchObject({ labelled: 15, failed: [] })
  }, 120_000)

  it('adapts on the exposed hidden states and rescores the untranscribed utterances', async () => {
    const finished = await runJob(wb, 'train.start', { model: modelId })
    expect(finished.status, finished.error?.message).toBe('done')
    const trained = finished.trained!
    expect(trained.trainUtterances).toBeGreaterThanOrEqual(5)
    const rescored = wb.project.db
      .prepare(
        `SELECT COUNT(DISTINCT h.utterance_id) AS n FROM hypothesis h
         JOIN utterance u ON u.id = h.utterance_id
         WHERE h.checkpoint_id = ? AND NOT EXISTS (SELECT 1 FROM revision r WHERE r.utterance_id = u.id AND r.source_kind = 'import')`,
      )
      .get(trained.checkpointId) as { n: number }
    expect(rescored.n).toBe(3)
  }, 300_000)
})

describe('bad input', () => {
  const copy = (folder: string): string => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sauti-bad-')), folder)
    cpSync(join(architectures, folder), dir, { recursive: true })
    return dir
  }
  const modelFolders = (): string[] =>
    existsSync(join(dataDir, 'models')) ? readdirSync(join(dataDir, 'models')) : []

  it('imports a graph whose head is ambiguous for labelling only, saying why', async () => {
    const finished = await registerModel({ dir: join(architectures, 'two-heads') })
    expect(finished.status, finished.error?.message).toBe('done')
    const { model, warnings } = finished.registered as ModelRegistration
    expect(model.canAdapt).toBe(false)
    expect(model.labellingOnlyBecause).toContain('could not find its CTC head unambiguously')
    expect(model.labellingOnlyBecause).toContain('of 2 computed tensors, not one linear layer')
    expect(warnings.some((w) => w.startsWith('labelling only: '))).toBe(true)
  })

  it('refuses a graph whose external data file is missing, and registers it complete', async () => {
    const dir = copy('wav2vec2-tiny-external')
    rmSync(join(dir, 'model.onnx_data'))
    const before = modelFolders()
    const refused = await registerModel({ dir })
    expect(refused.status).toBe('failed')
    expect(refused.error).toMatchObject({
      kind: 'bad_input',
      message: `${dir}/model.onnx: its weights are in the external data file "model.onnx_data", which is missing from ${dir} (copy the whole export folder).`,
    })
    expect(modelFolders()).toEqual(before)

    const finished = await registerModel({ dir: join(architectures, 'wav2vec2-tiny-external') })
    expect(finished.status, finished.error?.message).toBe('done')
    const { model } = finished.registered as ModelRegistration
    expect(existsSync(join(dataDir, 'models', model.id, 'model.onnx_data'))).toBe(true)
    expect(model.canAdapt).toBe(true)
  })

  it("refuses an MMS export with another language's vocabulary, naming both sizes", async () => {
    const before = modelFolders()
    const refused = await registerModel({ dir: join(architectures, 'mms-tiny'), language: 'eng' })
    expect(refused.status).toBe('failed')
    expect(refused.error!.message).toContain(
      "has 34 tokens but the model's logits have 32 per frame",
    )
    expect(modelFolders()).toEqual(before)
  })
})
