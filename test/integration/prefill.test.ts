import { afterEach, describe, expect, it } from 'vitest'
import {
  correctionHistory,
  prefillSetting,
  setPrefillSetting,
  startingPoint,
} from '../../src/main/core/annotate/prefill'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import type { WriteDb } from '../../src/main/core/db/connection'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import type { Hypothesis, RevisionInfo } from '../../src/shared/domain'
import { createDb, insertHypotheses, insertRows, migrateTo, recordingRow } from '../support/db'

const now = '2026-06-01T00:00:00.000Z'
let cleanup: (() => void) | null = null
/** The id the next utterance gets in a fresh project. */
let next = 0
afterEach(() => cleanup?.())

/** A project with a text model, its calibration, and one recording to cut utterances from. */
function project(): WriteDb {
  const made = createDb()
  cleanup = made.cleanup
  const db = made.db
  migrateTo(db, latestSchemaVersion)
  next = 0
  insertRows(db, 'model', [
    { sha256: 'b'.repeat(64), name: 'm', path: '/m', manifest: '{}', registered_at: now },
  ])
  insertRows(db, 'calibration', [
    {
      model_id: 1,
      status: 'fitted',
      method: 'tsallisMin',
      parameters: '{}',
      dev_words: 300,
      dev_utterances: 30,
      message: 'fitted',
      fitted_at: now,
    },
  ])
  insertRows(db, 'annotator', [{ name: 'Asha', role: 'annotator', created_at: now }])
  insertRows(db, 'recording', [{ ...recordingRow('a'.repeat(64), 600), imported_at: now }])
  return db
}

/** An utterance with a calibrated hypothesis; with `saved`, a correction typed from an empty field. */
function utterance(db: WriteDb, shown: string, confidence: number, saved?: string): number {
  const id = ++next
  insertRows(db, 'utterance', [
    {
      recording_id: 1,
      start_sec: id * 5,
      end_sec: id * 5 + 5,
      language: 'sw',
      status: saved ? 'corrected' : 'new',
      created_at: now,
    },
  ])
  insertHypotheses(db, [
    {
      utterance_id: id,
      model_id: 1,
      rank: 1,
      text: shown,
      score: -1,
      confidence,
      calibration_id: 1,
      created_at: now,
    },
  ])
  const h = (db.prepare('SELECT max(id) AS id FROM hypothesis').get() as { id: number }).id
  db.prepare('UPDATE utterance SET hypothesis_id = ?, confidence = ? WHERE id = ?').run(
    h,
    confidence,
    id,
  )
  if (saved)
    appendRevision(db, {
      utteranceId: id,
      text: saved,
      source: { kind: 'annotator', annotatorId: 1 },
      hypothesisId: null,
      createdAt: now,
    })
  return h
}

const offered = (id: number, text: string, confidence: number): Hypothesis[] => [
  {
    id,
    rank: 1,
    text,
    confidence,
    wordConfidences: [],
    calibrated: true,
    wordTimes: [],
    modelName: 'm',
    reference: null,
  },
]

describe('how the editor starts an utterance no one has written for', () => {
  it('pre-fills while the project has too few corrections to go by, a doubtful guess too', () => {
    const db = project()
    const low = utterance(db, 'beya nyana imepa soko', 0.15)
    expect(startingPoint(db, offered(low, 'beya nyana imepa soko', 0.15), null)).toMatchObject({
      prefill: true,
      basis: 'model',
    })
  })

  it('learns from corrections typed from an empty field, against the utterance’s own guess', () => {
    const db = project()
    // Guesses at 40 % predicted error that were far worse than that: fixing them costs more
    // than typing.
    for (let i = 0; i < 12; i++)
      utterance(db, 'qqqqqq qq qqqqqqq qqqq qqqqq', 0.6, 'habari za asubuhi mama yangu')
    const history = correctionHistory(db, true)
    expect(history).toHaveLength(12)
    expect(history[0]!.predictedError).toBeCloseTo(0.4, 12)
    expect(history[0]!.keystrokes).toBeGreaterThan(history[0]!.typing)
    expect(correctionHistory(db, false)).toEqual([])

    const h = utterance(db, 'habari ya asubui mama', 0.6)
    expect(startingPoint(db, offered(h, 'habari ya asubui mama', 0.6), null)).toMatchObject({
      prefill: false,
      basis: 'history',
    })
    // A confident guess is far from those corrections: pre-filled.
    const sure = utterance(db, 'habari ya asubuhi mama', 0.95)
    expect(startingPoint(db, offered(sure, 'habari ya asubuhi mama', 0.95), null)).toMatchObject({
      prefill: true,
    })
  })

  it('follows the project’s setting, and starts from a revision once there is one', () => {
    const db = project()
    const low = utterance(db, 'beya nyana', 0.1)
    expect(prefillSetting(db)).toBe('automatic')
    setPrefillSetting(db, 'always')
    expect(startingPoint(db, offered(low, 'beya nyana', 0.1), null)).toEqual({
      prefill: true,
      basis: 'setting',
      expectedShare: null,
    })
    const head: RevisionInfo = {
      id: 1,
      text: 'bei ya',
      spans: [],
      sourceKind: 'annotator',
      annotator: 'Asha',
      hypothesisId: null,
      draft: true,
      createdAt: now,
    }
    expect(startingPoint(db, offered(low, 'beya nyana', 0.1), head)).toBeNull()
  })
})
