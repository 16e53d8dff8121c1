import { describe, expect, it } from 'vitest'
import { freshDbPerTest, insertRows, migrateTo, readTable, recordingRow } from '../support/db'

const now = '2026-01-01T00:00:00.000Z'
const freshDb = freshDbPerTest()

/** A schema-19 hypothesis row (no span yet), rank 1 unless said. */
const hypothesis = (
  utteranceId: number,
  text: string,
  words: { start: number; end: number }[],
  rank = 1,
): Record<string, unknown> => ({
  utterance_id: utteranceId,
  model_id: 1,
  rank,
  text,
  score: -rank,
  confidence: 0.5,
  word_times: JSON.stringify(words.map((w, i) => ({ word: `w${i}`, ...w }))),
  created_at: now,
})

describe('migration 20: what a model read records the span it read', () => {
  it('gives old rows today’s span unless it visibly changed since, and keeps every reference', () => {
    const db = freshDb(19)
    insertRows(db, 'annotator', [{ name: 'Amina', role: 'annotator', created_at: now }])
    insertRows(db, 'recording', [recordingRow('a'.repeat(64), 10)])
    insertRows(db, 'model', [
      { sha256: 'b'.repeat(64), name: 'm', path: '/m', manifest: '{}', registered_at: now },
    ])
    insertRows(db, 'utterance', [
      // 1: untouched since labelling. 2: an edge moved (its hypotheses were set aside).
      // 3: shortened, then labelled by another head: the first head's words lie past its end.
      { recording_id: 1, start_sec: 0, end_sec: 2, created_at: now },
      { recording_id: 1, start_sec: 3, end_sec: 5, created_at: now },
      { recording_id: 1, start_sec: 6, end_sec: 7, created_at: now },
    ])
    insertRows(db, 'hypothesis', [
      hypothesis(1, 'a b', [
        { start: 0.1, end: 0.9 },
        { start: 1, end: 1.9 },
      ]),
      hypothesis(1, 'a', [{ start: 0.1, end: 1.9 }], 2),
      hypothesis(2, 'c', [{ start: 3.2, end: 4.8 }]),
      hypothesis(3, 'd e', [
        { start: 6.1, end: 6.9 },
        { start: 7.1, end: 7.8 },
      ]),
    ])
    // The newest best hypothesis is the one shown (migration 6's trigger); utterance 2's was
    // set aside when its edge moved; utterance 3 shows one decoded since from its new span.
    db.prepare('UPDATE utterance SET hypothesis_id = NULL, confidence = NULL WHERE id = 2').run()
    insertRows(db, 'hypothesis', [{ ...hypothesis(3, 'd', [{ start: 6.1, end: 6.9 }]), score: -2 }])
    const shownBefore = readTable(db, 'utterance').map((u) => u.hypothesis_id)
    expect(shownBefore).toEqual([1, null, 5])
    insertRows(db, 'revision', [
      {
        utterance_id: 1,
        text: 'a b',
        source_kind: 'annotator',
        annotator_id: 1,
        hypothesis_id: 1,
        created_at: now,
        hash: 'c'.repeat(64),
      },
      {
        utterance_id: 2,
        text: 'c',
        source_kind: 'annotator',
        annotator_id: 1,
        hypothesis_id: 3,
        created_at: now,
        hash: 'd'.repeat(64),
      },
    ])
    insertRows(db, 'acquisition', [
      { utterance_id: 1, model_id: 1, least_confidence: 0.5, entropy: 1, updated_at: now },
      { utterance_id: 2, model_id: 1, least_confidence: 0.9, entropy: 2, updated_at: now },
    ])
    insertRows(db, 'word_alignment', [
      {
        revision_id: 1,
        model_id: 1,
        word_times: JSON.stringify([{ word: 'a', start: 0.1, end: 0.9 }]),
        created_at: now,
      },
      {
        revision_id: 2,
        model_id: 1,
        word_times: JSON.stringify([{ word: 'c', start: 3.2, end: 4.8 }]),
        created_at: now,
      },
    ])

    migrateTo(db, 20)

    const spans = (table: string): unknown[] =>
      readTable(db, table).map((r) => [r.start_sec, r.end_sec])
    expect(spans('hypothesis')).toEqual([
      [0, 2],
      [0, 2],
      [null, null],
      [null, null],
      [6, 7],
    ])
    expect(spans('acquisition')).toEqual([
      [0, 2],
      [null, null],
    ])
    expect(spans('word_alignment')).toEqual([
      [0, 2],
      [null, null],
    ])
    // History and provenance stay: every row, and the revisions still name what they started from.
    expect(readTable(db, 'hypothesis').map((h) => h.text)).toEqual(['a b', 'a', 'c', 'd e', 'd'])
    expect(readTable(db, 'revision').map((v) => v.hypothesis_id)).toEqual([1, 3])
    expect(readTable(db, 'utterance').map((u) => u.hypothesis_id)).toEqual([1, null, 5])
    expect(db.pragma('foreign_key_check')).toEqual([])
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)

    // A new hypothesis names its span; a head may decode an utterance again for a new span.
    expect(() =>
      insertRows(db, 'hypothesis', [{ ...hypothesis(2, 'x', []), checkpoint_id: null }]),
    ).toThrow(/records the span it was decoded from/)
    insertRows(db, 'hypothesis', [{ ...hypothesis(2, 'c c', []), start_sec: 3, end_sec: 5 }])
    expect(readTable(db, 'utterance')[1]).toMatchObject({ hypothesis_id: 6, confidence: 0.5 })
    // One decoded from a span the utterance no longer has is kept but not shown.
    insertRows(db, 'hypothesis', [{ ...hypothesis(1, 'old', []), start_sec: 0, end_sec: 1.5 }])
    expect(readTable(db, 'utterance')[0]).toMatchObject({ hypothesis_id: 1 })
  })
})
