import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rankProject, readPool } from '../../src/main/core/adapt/acquisition'
import { labelledUtterances } from '../../src/main/core/adapt/dataset'
import { listSpeakers } from '../../src/main/core/consent/registry'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import { projectSummary } from '../../src/main/core/project/queries'
import { appendRevision, type RevisionSource } from '../../src/main/core/provenance/revisions'
import { buildReport } from '../../src/main/core/report/build'
import {
  createDb,
  insertRows,
  migrateTo,
  recordingRow,
  revisionWriters,
  type WriteDb,
} from '../support/db'

/**
 * What the project calls transcribed, seen from the places that count, train on or rank it: each
 * must follow the one rule (core/provenance/human-text.ts), whatever an utterance's history holds.
 */
describe('transcribed utterances, wherever they are counted', () => {
  let db: WriteDb
  let cleanup: () => void
  const now = '2026-02-01T00:00:00.000Z'

  const write = (utteranceId: number, text: string, source: RevisionSource, draft = false): void =>
    void appendRevision(db, { utteranceId, text, source, draft, createdAt: now })

  beforeAll(() => {
    ;({ db, cleanup } = createDb())
    migrateTo(db, latestSchemaVersion)
    const { annotator, corpus, model } = revisionWriters(db, now)
    insertRows(db, 'speaker', [{ code: 'S1', created_at: now }])
    insertRows(db, 'consent', [
      { speaker_id: 1, scope: 'model_training', granted_at: '2026-01-01', created_at: now },
    ])
    insertRows(db, 'recording', [recordingRow('a'.repeat(64), 60)])
    insertRows(
      db,
      'utterance',
      [1, 2, 3, 4].map((i) => ({
        recording_id: 1,
        start_sec: i,
        end_sec: i + 1,
        speaker_id: 1,
        split: 'train',
        created_at: now,
      })),
    )
    // 1: imported as people's, then a model's decision on top of it.
    write(1, 'habari ya asubuhi', corpus)
    write(1, 'habari asubuhi', model)
    // 2: an annotator's transcript, then an autosave they have not saved yet.
    write(2, 'karibu sana', annotator)
    write(2, 'karibu sana rafiki', annotator, true)
    // 3: only an autosave.
    write(3, 'asante', annotator, true)
    // 4: transcribed, then merged into 2 (its row stays, with its history).
    write(4, 'rafiki', annotator)
    db.prepare('UPDATE utterance SET merged_into = 2 WHERE id = 4').run()
  })
  afterAll(() => cleanup())

  it('counts the same utterances in the summary, the report, the speakers and the pools', () => {
    const ref = { id: 'p', name: 'p', dbPath: ':memory:', isDemo: false }
    const summary = projectSummary(db, ref)
    expect([summary.transcribedCount, summary.utteranceCount]).toEqual([2, 3])
    const report = buildReport(db, ref, {}, now).project
    expect([report.transcribed, report.utterances]).toEqual([2, 3])
    expect(listSpeakers(db, now).map((s) => s.transcribed)).toEqual([2])
    expect(labelledUtterances(db, now)).toHaveLength(2)
    // What nobody has transcribed is what active learning ranks: the autosave alone.
    expect(readPool(db).map((p) => p.id)).toEqual([3])
  })

  it("trains on a person's newest transcript, even under a model's decision or a draft", () => {
    expect(labelledUtterances(db, now).map((u) => [u.utteranceId, u.text, u.source])).toEqual([
      [1, 'habari ya asubuhi', 'import'],
      [2, 'karibu sana', 'annotator'],
    ])
  })
})

describe('what active learning counts as work already done', () => {
  it('counts people’s transcripts the model trains on, imported ones too; the dev split’s only against flags', () => {
    const { db, cleanup } = createDb()
    try {
      const now = '2026-02-01T00:00:00.000Z'
      migrateTo(db, latestSchemaVersion)
      const { corpus } = revisionWriters(db, now)
      insertRows(db, 'speaker', [
        { code: 'S1', created_at: now },
        { code: 'S2', created_at: now },
      ])
      insertRows(db, 'recording', [recordingRow('a'.repeat(64), 60)])
      // 20 transcripts of S1 imported as people's (the hybrid's cold start is 20), and 6 to
      // rank, S1's and S2's in turn.
      for (let i = 0; i < 26; i++) {
        insertRows(db, 'utterance', [
          {
            recording_id: 1,
            start_sec: i,
            end_sec: i + 1,
            speaker_id: i < 20 || i % 2 === 0 ? 1 : 2,
            split: i < 20 ? 'train' : null,
            created_at: now,
          },
        ])
        if (i < 20)
          appendRevision(db, {
            utteranceId: i + 1,
            text: `maneno ${i}`,
            source: corpus,
            createdAt: now,
          })
        insertRows(db, 'acquisition', [
          {
            utterance_id: i + 1,
            model_id: 1,
            least_confidence: (i % 7) / 7,
            entropy: 0.5,
            embedding: Buffer.from(new Float32Array([i % 3, (i * 7) % 5, 1]).buffer),
            start_sec: i,
            end_sec: i + 1,
            updated_at: now,
          },
        ])
      }
      type Reason = { phase?: string; speakerCorrected?: number }
      const reasons = (): (Reason & { id: number })[] =>
        rankProject(db, 'hybrid')
          .map((r) => ({ id: r.id, ...(r.reason as Reason) }))
          .sort((a, b) => a.id - b.id)
      // The model learnt from the 20: past the cold start, uncertainty picks, and S1's
      // utterances weighed down for the 20 of S1 it has (S2 has none).
      const learnt = [21, 22, 23, 24, 25, 26].map((id) => ({
        id,
        phase: 'uncertain',
        speakerCorrected: id % 2 ? 20 : 0,
      }))
      expect(reasons()).toMatchObject(learnt)
      // Before the first training gives them a split: the training will learn from them.
      db.prepare("UPDATE utterance SET split = NULL WHERE split = 'train'").run()
      expect(reasons()).toMatchObject(learnt)
      // Held out as dev, they teach the model nothing: typical picks, as for a new project.
      db.prepare("UPDATE utterance SET split = 'dev' WHERE id <= 20").run()
      expect(reasons().map((r) => r.phase)).toEqual(Array(6).fill('diverse'))
      // Yet they show that audio like them is worth transcribing: a noise flag beside them only
      // discounts its group, instead of sending it to the end.
      db.prepare(
        "UPDATE utterance SET status = 'flagged', flag_reason = 'noise' WHERE id = 21",
      ).run()
      const flagged = rankProject(db, 'hybrid').filter((r) => r.reason.nearFlagged)
      expect(flagged.length).toBeGreaterThan(0)
      for (const { reason } of flagged) expect(reason.nearReviewed).toBeGreaterThan(1)
    } finally {
      cleanup()
    }
  })
})
