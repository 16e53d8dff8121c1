import { describe, expect, it } from 'vitest'
import { freshDbPerTest, insertRows, migrateTo, readTable, recordingRow } from '../support/db'

const now = '2026-01-01T00:00:00.000Z'
const freshDb = freshDbPerTest()

// Numbered 17 on this branch; renumbered when it lands after the other 17.
describe('migration 17: quality marks and tag agreement', () => {
  it('keeps utterances and double annotations, unmarked and unmeasured, and checks the new marks', () => {
    const db = freshDb(16)
    insertRows(db, 'annotator', [
      { name: 'Amina', role: 'annotator', created_at: now },
      { name: 'Baraka', role: 'annotator', created_at: now },
    ])
    insertRows(db, 'recording', [recordingRow('a'.repeat(64))])
    insertRows(db, 'utterance', [
      { recording_id: 1, start_sec: 0, end_sec: 2, status: 'corrected', created_at: now },
    ])
    insertRows(db, 'double_annotation', [
      {
        utterance_id: 1,
        first_annotator_id: 1,
        second_annotator_id: 2,
        agreement_wer: 0.25,
        agreement_cer: 0.1,
        assigned_at: now,
      },
    ])
    migrateTo(db, 17)
    expect(readTable(db, 'utterance')[0]).toMatchObject({
      status: 'corrected',
      noisy_marked_by: null,
      noisy_marked_at: null,
    })
    expect(readTable(db, 'double_annotation')[0]).toMatchObject({
      agreement_wer: 0.25,
      agreement_tags: null,
    })

    // Marked by someone at some time, or not marked: never one without the other.
    expect(() => db.prepare('UPDATE utterance SET noisy_marked_by = 1').run()).toThrow(/CHECK/)
    expect(() =>
      db.prepare('UPDATE utterance SET noisy_marked_by = 9, noisy_marked_at = ?').run(now),
    ).toThrow(/FOREIGN KEY/)
    db.prepare('UPDATE utterance SET noisy_marked_by = 1, noisy_marked_at = ?').run(now)
    expect(() => db.prepare('UPDATE double_annotation SET agreement_tags = 1.5').run()).toThrow(
      /CHECK/,
    )

    // The reviewer's queue finds open pairs by the larger of the two figures.
    db.prepare('UPDATE double_annotation SET agreement_wer = 0, agreement_tags = 0.5').run()
    const plan = db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT utterance_id FROM double_annotation
         WHERE adjudicated_revision_id IS NULL AND max(agreement_wer, coalesce(agreement_tags, 0)) > ?`,
      )
      .all(0.1) as { detail: string }[]
    expect(plan.map((r) => r.detail).join('\n')).toContain('USING INDEX double_annotation_apart')
    const noisy = db
      .prepare('EXPLAIN QUERY PLAN SELECT id FROM utterance WHERE noisy_marked_at IS NOT NULL')
      .all() as { detail: string }[]
    expect(noisy.map((r) => r.detail).join('\n')).toContain('USING INDEX utterance_noisy')
  })
})
