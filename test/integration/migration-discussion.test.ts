import { describe, expect, it } from 'vitest'
import { freshDbPerTest, insertRows, migrateTo, readTable, recordingRow } from '../support/db'

const now = '2026-01-01T00:00:00.000Z'
const freshDb = freshDbPerTest()

describe('migration 15: discussion', () => {
  it('keeps guideline versions append-only, threads comments per utterance, and ends a return when the utterance is decided again', () => {
    const db = freshDb(14)
    insertRows(db, 'annotator', [
      { name: 'Amina', role: 'annotator', created_at: now },
      { name: 'Zawadi', role: 'lead', created_at: now },
    ])
    insertRows(db, 'recording', [recordingRow('a'.repeat(64))])
    insertRows(db, 'utterance', [
      { recording_id: 1, start_sec: 0, end_sec: 2, status: 'corrected', created_at: now },
    ])
    insertRows(db, 'revision', [
      {
        utterance_id: 1,
        text: 'habari',
        source_kind: 'annotator',
        annotator_id: 1,
        created_at: now,
        hash: 'h'.repeat(64),
      },
    ])
    insertRows(db, 'review', [
      { revision_id: 1, reviewer_id: 2, verdict: 'reject', comment: 'x', created_at: now },
    ])
    migrateTo(db, 15)
    expect(readTable(db, 'utterance')[0]).toMatchObject({
      returned_review_id: null,
      returned_to: null,
    })

    insertRows(db, 'guideline_version', [{ text: '# Rules', author_id: 2, created_at: now }])
    expect(() => db.prepare("UPDATE guideline_version SET text = 'x'").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM guideline_version').run()).toThrow(/append-only/)

    insertRows(db, 'utterance_comment', [
      { utterance_id: 1, author_id: 2, text: 'Listen again', review_id: 1, created_at: now },
    ])
    expect(() =>
      insertRows(db, 'utterance_comment', [
        { utterance_id: 1, author_id: 1, text: '', created_at: now },
      ]),
    ).toThrow(/CHECK/)
    // One comment per rejection.
    expect(() =>
      insertRows(db, 'utterance_comment', [
        { utterance_id: 1, author_id: 2, text: 'again', review_id: 1, created_at: now },
      ]),
    ).toThrow(/UNIQUE/)

    // Returned to Amina; reopening keeps the mark, a decision of any kind ends it.
    db.prepare(
      "UPDATE utterance SET status = 'pseudo', returned_review_id = 1, returned_to = 1",
    ).run()
    db.prepare("UPDATE utterance SET status = 'new'").run()
    expect(readTable(db, 'utterance')[0]).toMatchObject({ returned_review_id: 1, returned_to: 1 })
    db.prepare("UPDATE utterance SET status = 'corrected'").run()
    expect(readTable(db, 'utterance')[0]).toMatchObject({
      returned_review_id: null,
      returned_to: null,
    })
  })
})
