import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPool } from '../../src/main/core/adapt/acquisition'
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
