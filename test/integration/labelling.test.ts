import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InferenceWorkers } from '../../src/main/core/asr/inference-workers'
import { importModel } from '../../src/main/core/asr/model-store'
import { recordConsent } from '../../src/main/core/consent/speakers'
import type { Workbench } from '../../src/main/core/workbench'
import { workerFactory } from '../../src/main/hosts/boot'
import { readTable } from '../support/db'
import { appRoot, requireSpeech8, skipWithoutSpeech8, speech8 } from '../support/fixtures'
import {
  expectNoOpenWorkbenches,
  importAndWait,
  openTestWorkbench,
  runJob,
} from '../support/workbench'

let wb: Workbench
let dataDir: string
let dispose: () => Promise<void>
let modelId: string

beforeAll(async () => {
  ;({ workbench: wb, dataDir, dispose } = await openTestWorkbench())
  const workers = new InferenceWorkers(workerFactory(appRoot, 'inference'))
  try {
    modelId = (await importModel(dataDir, join(appRoot, 'test/fixtures/models/tiny-ctc'), workers))
      .model.id
  } finally {
    await workers.close()
  }
})
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

interface HypothesisRow {
  utterance_id: number
  rank: number
  text: string
  score: number
  confidence: number | null
  word_confidences: string
  word_times: string
}

describe.skipIf(skipWithoutSpeech8('pseudo-labelling a project'))(
  'pseudo-labelling a project (needs ../shared/fixtures)',
  () => {
    beforeAll(requireSpeech8)

    it('stores N-best hypotheses with confidences and word times, and leaves transcripts alone', async () => {
      await importAndWait(wb, [join(speech8, 'manifest.tsv')])
      const db = wb.project.db
      const revisionsBefore = readTable(db, 'revision')
      const finished = await runJob(wb, 'label.start', { model: modelId, nBest: 3 })
      expect(finished.status).toBe('done')
      expect(finished.labelled).toMatchObject({
        labelled: 8,
        skipped: 0,
        failed: [],
        provider: 'cpu',
      })
      expect(finished.labelled!.inferenceMs).toBeGreaterThan(0)

      const utterances = db
        .prepare('SELECT id, start_sec, end_sec, status FROM utterance')
        .all() as { id: number; start_sec: number; end_sec: number; status: string }[]
      const rows = db
        .prepare('SELECT * FROM hypothesis ORDER BY utterance_id, rank')
        .all() as HypothesisRow[]
      for (const u of utterances) {
        const mine = rows.filter((r) => r.utterance_id === u.id)
        expect(mine.length).toBeGreaterThanOrEqual(1)
        expect(mine.length).toBeLessThanOrEqual(3)
        expect(mine.map((r) => r.rank)).toEqual(mine.map((_, i) => i + 1))
        expect(mine.map((r) => r.score)).toEqual(
          [...mine.map((r) => r.score)].sort((a, b) => b - a),
        )
        for (const r of mine) {
          expect(r.confidence === null || (r.confidence >= 0 && r.confidence <= 1)).toBe(true)
          const times = JSON.parse(r.word_times) as { word: string; start: number; end: number }[]
          const confidences = JSON.parse(r.word_confidences) as (number | null)[]
          expect(times.map((t) => t.word).join(' ')).toBe(r.text)
          expect(confidences).toHaveLength(times.length)
          // Every word: ordered, non-overlapping times inside the utterance.
          times.forEach((t, i) => {
            expect(t.start).toBeGreaterThanOrEqual(
              i === 0 ? u.start_sec - 1e-9 : times[i - 1]!.end - 1e-9,
            )
            expect(t.end).toBeGreaterThanOrEqual(t.start)
            expect(t.end).toBeLessThanOrEqual(u.end_sec + 1e-6)
          })
        }
        // These utterances came with transcripts: a model never changes their status or history.
        expect(u.status).toBe('new')
      }
      expect(readTable(db, 'revision')).toEqual(revisionsBefore)
      // The run is on record, with the provider that ran it and why the others did not.
      const [run] = readTable(db, 'label_run') as {
        provider: string
        provider_attempts: string
        utterances: number
        status: string
      }[]
      expect(run).toMatchObject({ provider: 'cpu', utterances: 8, status: 'done' })
      const attempts = JSON.parse(run!.provider_attempts) as {
        name: string
        ok: boolean
        reason: string
      }[]
      expect(attempts.at(-1)).toMatchObject({ name: 'cpu', ok: true })
      expect(attempts.filter((a) => !a.ok).every((a) => a.reason.length > 0)).toBe(true)
    })

    it('caches the encoder’s hidden states as float16 per utterance, named by the samples read', () => {
      const u = wb.project.db
        .prepare('SELECT id, start_sec, end_sec FROM utterance LIMIT 1')
        .get() as { id: number; start_sec: number; end_sec: number }
      const first = Math.floor(u.start_sec * 16000)
      const last = Math.round(u.end_sec * 16000)
      const bytes = readFileSync(
        join(dataDir, 'projects/test/cache/hidden', modelId, `${u.id}_${first}_${last}.f16`),
      )
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      const frames = view.getUint32(0, true)
      const dim = view.getUint32(4, true)
      expect(dim).toBe(8)
      expect(frames).toBeGreaterThan(100)
      expect(bytes.length).toBe(8 + frames * dim * 2)
    })

    it('resumes: a second run labels nothing it labelled before', async () => {
      const count = (
        wb.project.db.prepare('SELECT count(*) AS n FROM hypothesis').get() as { n: number }
      ).n
      const finished = await runJob(wb, 'label.start', { model: modelId })
      expect(finished.labelled).toMatchObject({ labelled: 0, skipped: 8 })
      expect(
        (wb.project.db.prepare('SELECT count(*) AS n FROM hypothesis').get() as { n: number }).n,
      ).toBe(count)
    })

    it('cuts a long recording into utterances at its speech before labelling them', async () => {
      const long = join(appRoot, 'demo/audio/market-day-long.flac')
      const { recordingIds } = await importAndWait(wb, [long])
      const db = wb.project.db
      const recordingId = recordingIds[0]!
      const duration = (
        db.prepare('SELECT duration_sec FROM recording WHERE id = ?').get(recordingId) as {
          duration_sec: number
        }
      ).duration_sec
      expect(
        db.prepare('SELECT count(*) AS n FROM utterance WHERE recording_id = ?').get(recordingId),
      ).toEqual({ n: 0 })

      const finished = await runJob(wb, 'label.start', { model: modelId, nBest: 1 })
      expect(finished.error).toBeUndefined()
      const segments = db
        .prepare(
          'SELECT id, start_sec, end_sec FROM utterance WHERE recording_id = ? ORDER BY start_sec',
        )
        .all(recordingId) as { id: number; start_sec: number; end_sec: number }[]
      // The recording is sentences read with pauses: one utterance per sentence or so.
      expect(finished.labelled!.segmented).toEqual({ recordings: 1, utterances: segments.length })
      expect(segments.length).toBeGreaterThanOrEqual(8)
      segments.forEach((u, i) => {
        expect(u.start_sec).toBeGreaterThanOrEqual(i === 0 ? 0 : segments[i - 1]!.end_sec)
        expect(u.end_sec - u.start_sec).toBeGreaterThan(0.25)
        expect(u.end_sec - u.start_sec).toBeLessThanOrEqual(20.5)
        expect(u.end_sec).toBeLessThanOrEqual(duration)
      })
      const speech = segments.reduce((s, u) => s + u.end_sec - u.start_sec, 0)
      expect(speech / duration).toBeGreaterThan(0.6)
      expect(finished.labelled!.labelled).toBe(segments.length)
    })

    it('fuses a language model from the transcripts and the user’s text, and records it with the run', async () => {
      const text = join(mkdtempSync(join(tmpdir(), 'sauti-lm-')), 'words.txt')
      writeFileSync(text, 'habari za asubuhi\nmama anapika chakula\n')
      const missing = await runJob(wb, 'label.start', {
        model: modelId,
        lm: { weight: 0.5, textFiles: ['/no/such/words.txt'] },
      })
      expect(missing.status).toBe('failed')
      expect(missing.error?.message).toBe(
        '/no/such/words.txt: cannot read the language-model text (ENOENT).',
      )
      // A new recording, so that something is left to label with the language model on.
      await importAndWait(wb, [join(appRoot, 'test/fixtures/formats/clip.flac')])
      // Only speakers who consented to training lend their words to the language model.
      const consenting = (
        wb.project.db
          .prepare(
            `SELECT u.speaker_id AS id FROM utterance u JOIN revision v ON v.utterance_id = u.id
             WHERE u.speaker_id IS NOT NULL ORDER BY u.id LIMIT 1`,
          )
          .get() as { id: number }
      ).id
      recordConsent(wb.project.db, {
        speakerId: consenting,
        scope: 'model_training',
        grantedAt: '2026-01-01T00:00:00Z',
      })
      const finished = await runJob(wb, 'label.start', {
        model: modelId,
        nBest: 2,
        lm: { weight: 0.5, wordBonus: 1, textFiles: [text] },
      })
      expect(finished.labelled).toMatchObject({ labelled: 1, failed: [] })
      const run = wb.project.db
        .prepare('SELECT settings FROM label_run ORDER BY id DESC LIMIT 1')
        .get() as { settings: string }
      // The transcripts of the one speaker who consented to training, and the file's two lines.
      const sentences =
        (
          wb.project.db
            .prepare(
              `SELECT count(DISTINCT v.utterance_id) AS n FROM revision v JOIN utterance u ON u.id = v.utterance_id
               WHERE v.source_kind = 'import' AND u.speaker_id = ?`,
            )
            .get(consenting) as { n: number }
        ).n + 2
      expect(sentences).toBeGreaterThan(2)
      expect(JSON.parse(run.settings).lm).toEqual({
        weight: 0.5,
        wordBonus: 1,
        sentences,
        textFiles: [text],
      })
    })

    it('names a model that is not registered', async () => {
      const result = await wb.call('label.start', { model: 'nosuchmodel' })
      expect(result).toMatchObject({ ok: false, error: { kind: 'not_found' } })
    })
  },
)
