import { afterEach, describe, expect, it } from 'vitest'
import { evaluateProject } from '../../src/main/core/asr/evaluate-project'
import { ensureSpeaker } from '../../src/main/core/consent/speakers'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import { createDb, insertHypotheses, insertRows, migrateTo, type WriteDb } from '../support/db'

let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())
const now = new Date().toISOString()

function project(): WriteDb {
  const made = createDb()
  cleanup = made.cleanup
  migrateTo(made.db, latestSchemaVersion)
  insertRows(made.db, 'recording', [
    {
      sha256: 'a'.repeat(64),
      original_name: 'a.wav',
      source_path: '/a.wav',
      format: 'wav',
      byte_size: 10,
      duration_sec: 9,
      sample_rate: 16000,
      channels: 1,
      imported_at: now,
    },
  ])
  insertRows(made.db, 'model', [
    {
      sha256: 'c'.repeat(64),
      name: 'starter',
      path: '/m',
      manifest: '{"version":"0.3.0"}',
      registered_at: now,
    },
  ])
  insertRows(made.db, 'annotator', [{ name: 'Amina', role: 'annotator', created_at: now }])
  return made.db
}

function utterance(db: WriteDb, speaker: string, language: string, start: number): number {
  const speakerId = ensureSpeaker(db, { code: speaker })
  insertRows(db, 'utterance', [
    {
      recording_id: 1,
      start_sec: start,
      end_sec: start + 2,
      speaker_id: speakerId,
      language,
      created_at: now,
    },
  ])
  return (db.prepare('SELECT max(id) AS id FROM utterance').get() as { id: number }).id
}

function hypothesis(db: WriteDb, utteranceId: number, text: string, confidences: number[]): void {
  insertHypotheses(db, [
    {
      utterance_id: utteranceId,
      model_id: 1,
      rank: 1,
      text,
      score: -1,
      confidence: 0.5,
      word_confidences: JSON.stringify(confidences),
      created_at: now,
    },
  ])
}

describe("evaluating a model on a project's transcripts", () => {
  it('scores the best hypothesis against the newest human or imported transcript, by speaker and language', () => {
    const db = project()
    const u1 = utterance(db, 'SPK-A', 'sw', 0)
    appendRevision(db, {
      utteranceId: u1,
      text: 'habari ya mama',
      source: { kind: 'import', ref: 'm.tsv:2' },
    })
    // The annotator's correction is the reference, not the imported text.
    appendRevision(db, {
      utteranceId: u1,
      text: 'Habari yako, mama!',
      source: { kind: 'annotator', annotatorId: 1 },
    })
    hypothesis(db, u1, 'habari yangu mama', [0.9, 0.2, 0.8])
    const u2 = utterance(db, 'SPK-B', 'en', 3)
    appendRevision(db, {
      utteranceId: u2,
      text: 'thank you',
      source: { kind: 'import', ref: 'm.tsv:3' },
    })
    // A model's revision is never a reference.
    appendRevision(db, {
      utteranceId: u2,
      text: 'tank you',
      source: { kind: 'model', modelId: 1, checkpointId: null },
    })
    hypothesis(db, u2, 'thank you', [0.7, 0.6])
    const u3 = utterance(db, 'SPK-B', 'en', 6)
    appendRevision(db, {
      utteranceId: u3,
      text: 'not labelled yet',
      source: { kind: 'import', ref: 'm.tsv:4' },
    })

    const e = evaluateProject(db, 'starter')
    expect(e).toMatchObject({ model: 'starter', utterances: 2, unlabelled: 1 })
    expect(e.words).toMatchObject({ n: 5, substitutions: 1, deletions: 0, insertions: 0 })
    expect(e.wer).toBeCloseTo(0.2, 12)
    expect(e.bySpeaker.map((g) => [g.key, g.utterances, Number(g.wer.toFixed(4))])).toEqual([
      ['SPK-A', 1, 0.3333],
      ['SPK-B', 1, 0],
    ])
    expect(e.byLanguage.map((g) => g.key)).toEqual(['en', 'sw'])
    // The one wrong word ("yangu", 0.2) is the least confident: a perfect detector.
    expect(e.confidence.words).toBe(5)
    expect(e.confidence.aucRoc).toBe(1)
    expect(e.confidence.nce).toBeGreaterThan(0)
  })

  it('says when the model has not labelled the project', () => {
    const db = project()
    expect(() => evaluateProject(db, 'other-model')).toThrow(
      /model "other-model" has not labelled this project yet/,
    )
    // A release is named as `name@version`: the one that labelled it is found, another is not.
    expect(evaluateProject(db, 'starter@0.3.0').model).toBe('starter')
    expect(() => evaluateProject(db, 'starter@0.2.1')).toThrow(
      /model "starter@0.2.1" has not labelled this project yet/,
    )
  })
})
