import { afterEach, describe, expect, it } from 'vitest'
import { adaptationStatus } from '../../src/main/core/adapt/status'
import { fitCalibration } from '../../src/main/core/asr/calibrate'
import { resultStore } from '../../src/main/core/asr/result-store'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import { seededRandom } from '../../src/main/core/train/random'
import {
  createDb,
  insertHypotheses,
  insertRows,
  migrateTo,
  recordingRow,
  utteranceAdder,
  type WriteDb,
} from '../support/db'

const now = '2026-06-01T00:00:00.000Z'
const sha = (c: string): string => c.repeat(64)
let cleanup: (() => void) | null = null
afterEach(() => cleanup?.())

/** A word's raw scores (word-features.ts order) where only the N-best agreement tells right from wrong. */
const features = (agreement: number): number[] => [0.7, -1, -2, 0.5, agreement, 4, 10, 0.6]

/**
 * A project in a real SQLite file: speakers A, B (train) and C (dev), `devCount`
 * transcribed dev utterances of five words whose base-model hypotheses get words wrong more
 * often where the N-best list disagrees, and one untranscribed utterance of a train speaker.
 */
function project(devCount: number): { db: WriteDb; untranscribed: number } {
  const made = createDb()
  cleanup = made.cleanup
  const db = made.db
  migrateTo(db, latestSchemaVersion)
  insertRows(db, 'model', [
    { sha256: sha('b'), name: 'm', path: '/m', manifest: '{}', registered_at: now },
  ])
  insertRows(db, 'recording', [recordingRow(sha('a'), 1000)])
  for (const [i, code] of ['A', 'B', 'C'].entries()) {
    insertRows(db, 'speaker', [{ code, created_at: now }])
    insertRows(db, 'consent', [
      { speaker_id: i + 1, scope: 'model_training', granted_at: now, created_at: now },
    ])
  }
  const utterance = utteranceAdder(db, now)
  const hypothesis = (utteranceId: number, words: string[], agreement: number[]): void =>
    insertHypotheses(db, [
      {
        utterance_id: utteranceId,
        model_id: 1,
        rank: 1,
        text: words.join(' '),
        score: -1,
        confidence: 0.7,
        word_confidences: JSON.stringify(words.map(() => 0.7)),
        word_features: JSON.stringify(agreement.map(features)),
        created_at: now,
      },
    ])
  utterance(1, 'a b')
  utterance(2, 'a b')
  const random = seededRandom(5)
  const reference = ['moja', 'mbili', 'tatu', 'nne', 'tano']
  for (let i = 0; i < devCount; i++) {
    const id = utterance(3, reference.join(' '))
    const agreement = reference.map(() => 0.05 + 0.9 * random.next())
    hypothesis(
      id,
      reference.map((w, k) => (random.next() < agreement[k]! ** 2 ? w : `${w}x`)),
      agreement,
    )
  }
  const untranscribed = utterance(1, null)
  hypothesis(untranscribed, ['maneno', 'mengine'], [0.95, 0.1])
  // Splits as a speaker-unit policy would give them: A and B train, C is the dev split.
  db.prepare(
    "UPDATE utterance SET split = CASE speaker_id WHEN 3 THEN 'dev' ELSE 'train' END",
  ).run()
  return { db, untranscribed }
}

const stored = (db: WriteDb, utteranceId: number) =>
  db
    .prepare(
      `SELECT h.confidence, h.word_confidences, h.calibration_id, u.confidence AS queue_confidence
       FROM hypothesis h JOIN utterance u ON u.id = h.utterance_id WHERE h.utterance_id = ? ORDER BY h.id DESC LIMIT 1`,
    )
    .get(utteranceId) as {
    confidence: number
    word_confidences: string
    calibration_id: number | null
    queue_confidence: number
  }

describe('calibrating word confidence on the dev split', () => {
  it('fits on the dev words, rewrites every stored hypothesis of the head, and the queue follows', () => {
    const { db, untranscribed } = project(80)
    const status = fitCalibration(db, { modelId: 1, checkpointId: null }, now)
    expect(status).toMatchObject({ status: 'fitted', devUtterances: 80, devWords: 400 })
    // Out of fold on the dev words: the raw score (a constant) finds nothing, the fit does.
    expect(status.dev.rawAuc).toBe(0.5)
    expect(status.dev.auc!).toBeGreaterThan(0.7)
    expect(status.dev.ece!).toBeLessThan(0.1)
    const h = stored(db, untranscribed)
    const words = JSON.parse(h.word_confidences) as number[]
    // The agreeing word is likely right, the disputed one likely wrong; the utterance is their mean.
    expect(words[0]!).toBeGreaterThan(0.75)
    expect(words[1]!).toBeLessThan(0.2)
    expect(h.confidence).toBeCloseTo((words[0]! + words[1]!) / 2, 9)
    expect(h.queue_confidence).toBe(h.confidence)
    expect(h.calibration_id).not.toBeNull()
    // The Model screen reads the fit of the head that labelled last.
    insertRows(db, 'label_run', [
      { model_id: 1, status: 'done', started_at: now, finished_at: now },
    ])
    expect(adaptationStatus(db, now).calibration).toEqual(status)

    // New hypotheses of the same head are stored calibrated.
    resultStore(
      db,
      1,
      null,
    )([
      {
        utteranceId: untranscribed,
        ...(db
          .prepare('SELECT start_sec AS startSec, end_sec AS endSec FROM utterance WHERE id = ?')
          .get(untranscribed) as { startSec: number; endSec: number }),
        frames: 50,
        hypotheses: [
          {
            rank: 1,
            text: 'neno',
            logProb: -1,
            confidence: 0.7,
            words: [{ word: 'neno', start: 0, end: 1, score: 0.5, confidence: 0.7 }],
            wordFeatures: [features(0.95)],
          },
        ],
        acquisition: {
          leastConfidence: 0.3,
          entropy: 0.2,
          margin: null,
          disagreement: null,
          embedding: null,
        },
        hiddenStatesFile: null,
      },
    ])
    expect(stored(db, untranscribed).confidence).toBeCloseTo(words[0]!, 9)
  })

  it('keeps the raw scores with too few dev words, and says so', () => {
    const { db, untranscribed } = project(5)
    fitCalibration(db, { modelId: 1, checkpointId: null }, now)
    const status = fitCalibration(db, { modelId: 1, checkpointId: null }, now)
    expect(status).toMatchObject({ status: 'raw', devWords: 25, method: null })
    expect(status.message).toMatch(/only 25 dev words \(at least 30/)
    expect(stored(db, untranscribed)).toMatchObject({ confidence: 0.7, calibration_id: null })
  })
})
