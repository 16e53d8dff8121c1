import { afterEach, describe, expect, it } from 'vitest'
import { annotatorCost } from '../../src/main/core/adapt/annotator-cost'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import { createDb, insertHypotheses, insertRows, migrateTo } from '../support/db'

const now = '2026-06-01T00:00:00.000Z'
let cleanup: (() => void) | null = null
afterEach(() => cleanup?.())

/**
 * The annotator's cost as the Model screen shows it, from a real project file: each correction
 * against the hypothesis it started from, in the order corrections were saved.
 */
describe("the annotator's cost curve", () => {
  it('weighs each correction by the hypothesis shown, per stretch of corrected minutes and per language', () => {
    const made = createDb()
    cleanup = made.cleanup
    const db = made.db
    migrateTo(db, latestSchemaVersion)
    insertRows(db, 'model', [
      { sha256: 'b'.repeat(64), name: 'm', path: '/m', manifest: '{}', registered_at: now },
    ])
    insertRows(db, 'annotator', [{ name: 'Asha', role: 'annotator', created_at: now }])
    insertRows(db, 'recording', [
      {
        sha256: 'a'.repeat(64),
        original_name: 'a.wav',
        source_path: '/a.wav',
        format: 'wav',
        byte_size: 10,
        duration_sec: 600,
        sample_rate: 16000,
        channels: 1,
        imported_at: now,
      },
    ])
    // Four 30-second utterances: two Swahili, two English; the second English one has no
    // hypothesis (typed from scratch), the first Swahili one was right.
    const cases: [string, string, string | null][] = [
      ['sw', 'habari ya asubuhi', 'habari ya asubuhi'],
      ['sw', 'habari ya asubuhi', 'habari ya asubihi'],
      ['en', 'good morning', 'god mourning'],
      ['en', 'thank you', null],
    ]
    cases.forEach(([language, text, shown], i) => {
      insertRows(db, 'utterance', [
        {
          recording_id: 1,
          start_sec: 30 * i,
          end_sec: 30 * i + 30,
          language,
          status: 'corrected',
          created_at: now,
        },
      ])
      let hypothesisId: number | null = null
      if (shown !== null) {
        insertHypotheses(db, [
          { utterance_id: i + 1, model_id: 1, rank: 1, text: shown, score: -1, created_at: now },
        ])
        hypothesisId = (db.prepare('SELECT max(id) AS id FROM hypothesis').get() as { id: number })
          .id
      }
      // A draft first (never counted), then the saved correction, then a later edit (not the correction).
      appendRevision(db, {
        utteranceId: i + 1,
        text: 'draft',
        source: { kind: 'annotator', annotatorId: 1 },
        hypothesisId,
        draft: true,
        createdAt: now,
      })
      appendRevision(db, {
        utteranceId: i + 1,
        text,
        source: { kind: 'annotator', annotatorId: 1 },
        hypothesisId,
        createdAt: now,
      })
      appendRevision(db, {
        utteranceId: i + 1,
        text: `${text}!`,
        source: { kind: 'annotator', annotatorId: 1 },
        createdAt: now,
      })
    })
    const curve = annotatorCost(db)
    expect(curve.corrections).toBe(4)
    // Two minutes corrected: stretches of half a minute, one correction each.
    expect(curve.points.map((p) => p.minutes)).toEqual([0.5, 1, 1.5, 2])
    expect(curve.points[0]!.cost).toBe(0)
    expect(curve.points[1]!.cost).toBeCloseTo(1 / 17, 12)
    // "god mourning" -> "good morning": one insertion, one deletion.
    expect(curve.points[2]!.cost).toBeCloseTo(2 / 12, 12)
    expect(curve.points[3]!).toMatchObject({ cost: 1, keystrokeShare: 10 / 9 })
    expect(curve.byLanguage.map((l) => l.language)).toEqual(['en', 'sw'])
    expect(curve.byLanguage[1]!.points.map((p) => p.cost)).toEqual([0, 1 / 17])
  })
})
