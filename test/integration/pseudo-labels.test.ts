import { afterEach, describe, expect, it } from 'vitest'
import { assignSplits, labelledUtterances } from '../../src/main/core/adapt/dataset'
import { changeSplitPolicy } from '../../src/main/core/adapt/splits'
import {
  choosePseudoLabelThreshold,
  pseudoLabelCandidates,
} from '../../src/main/core/adapt/pseudo-labels'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import {
  createDb,
  insertHypotheses,
  insertRows,
  migrateTo,
  utteranceAdder,
  type WriteDb,
} from '../support/db'

const now = '2026-06-01T00:00:00.000Z'
const sha = (c: string): string => c.repeat(64)
let cleanup: (() => void) | null = null
afterEach(() => cleanup?.())

/**
 * A project in a real SQLite file: speakers A, B, D (train), C (dev), E (test) by the split rule,
 * 20 transcribed dev utterances whose checkpoint hypotheses get worse as confidence falls, and
 * untranscribed utterances from every speaker.
 */
function project(): WriteDb {
  const made = createDb()
  cleanup = made.cleanup
  const db = made.db
  migrateTo(db, latestSchemaVersion)
  insertRows(db, 'model', [
    { sha256: sha('b'), name: 'm', path: '/m', manifest: '{}', registered_at: now },
  ])
  insertRows(db, 'checkpoint', [
    { model_id: 1, path: '/c', sha256: sha('d'), status: 'active', created_at: now },
  ])
  insertRows(db, 'recording', [
    {
      sha256: sha('a'),
      original_name: 'a.wav',
      source_path: '/a.wav',
      format: 'wav',
      byte_size: 10,
      duration_sec: 500,
      sample_rate: 16000,
      channels: 1,
      imported_at: now,
    },
  ])
  for (const code of ['A', 'B', 'C', 'D', 'E']) {
    insertRows(db, 'speaker', [{ code, created_at: now }])
    insertRows(db, 'consent', [
      {
        speaker_id: code.charCodeAt(0) - 64,
        scope: 'model_training',
        granted_at: '2026-01-01T00:00:00Z',
        created_at: now,
      },
    ])
  }
  const utterance = utteranceAdder(db, now)
  const hypothesis = (utteranceId: number, text: string, confidence: number): void =>
    insertHypotheses(db, [
      {
        utterance_id: utteranceId,
        model_id: 1,
        checkpoint_id: 1,
        rank: 1,
        text,
        score: -1,
        confidence,
        created_at: now,
      },
    ])
  // One transcribed utterance each for A–E in id order; then 19 more for C (dev).
  utterance(1, 'a b c d e')
  utterance(2, 'a b c d e')
  const dev: number[] = [utterance(3, 'one two three four five')]
  utterance(4, 'a b c d e')
  utterance(5, 'a b c d e')
  for (let i = 1; i < 20; i++) dev.push(utterance(3, 'one two three four five'))
  // Dev hypotheses: the 10 most confident are right, the next 5 have one wrong word of five
  // (cumulative WER still ≤ 10 % down to the 15th: 5 errors / 75 words), the rest all wrong.
  dev.forEach((id, i) => {
    const confidence = 0.99 - i * 0.01
    const text = i < 10 ? 'one two three four five' : i < 15 ? 'one two three four fife' : 'x y z'
    hypothesis(id, text, confidence)
  })
  // Untranscribed: confident and not, from a train speaker (A), the dev speaker (C) and the
  // test speaker (E).
  for (const [speaker, confidence] of [
    [1, 0.95],
    [1, 0.5],
    [3, 0.97],
    [5, 0.99],
  ] as const)
    hypothesis(utterance(speaker, null), 'machine words', confidence)
  // The splits these tests are written for, made before any training: A, B, D train, C dev, E
  // test. (Which speaker the rule would send where is tested in splits.test.ts.)
  changeSplitPolicy(db, { unit: 'speaker' }, 'test setup', false, now)
  db.prepare('DELETE FROM speaker_split').run()
  db.prepare('UPDATE utterance SET split = NULL').run()
  for (const [speaker, split] of [
    [1, 'train'],
    [2, 'train'],
    [3, 'dev'],
    [4, 'train'],
    [5, 'test'],
  ] as const)
    insertRows(db, 'speaker_split', [{ speaker_id: speaker, split, assigned_at: now }])
  return db
}

describe('pseudo-labels (slimIPL-style)', () => {
  it('chooses the lowest confidence whose accepted dev hypotheses keep WER at or below 10 %', () => {
    const db = project()
    assignSplits(db, now)
    const splits = db
      .prepare('SELECT speaker_id, split FROM speaker_split ORDER BY speaker_id')
      .all()
    expect(splits).toEqual([
      { speaker_id: 1, split: 'train' },
      { speaker_id: 2, split: 'train' },
      { speaker_id: 3, split: 'dev' },
      { speaker_id: 4, split: 'train' },
      { speaker_id: 5, split: 'test' },
    ])
    const dev = labelledUtterances(db, now).filter((u) => u.split === 'dev')
    expect(dev).toHaveLength(20)
    const threshold = choosePseudoLabelThreshold(db, 1, dev)!
    // 15 accepted: 5 wrong words of 75 = 6.7 %; the 16th would add 5 errors of 5 words (12.5 %).
    expect(threshold.devAccepted).toBe(15)
    expect(threshold.confidence).toBeCloseTo(0.85, 10)
    expect(threshold.devWer).toBeCloseTo(5 / 75, 10)
    // Too small a dev split: no threshold, so no pseudo-labels.
    expect(choosePseudoLabelThreshold(db, 1, dev.slice(0, 19))).toBeNull()
    expect(choosePseudoLabelThreshold(db, 1, dev, 25)).toBeNull()
  })

  it('takes only confident hypotheses of untranscribed utterances from training-split speakers who consent', () => {
    const db = project()
    assignSplits(db, now)
    const accepted = pseudoLabelCandidates(db, 1, 0.85, now)
    // A's confident one only: not A's unsure one, not the dev speaker's, not E's (test split).
    expect(accepted.map((p) => [p.speakerId, p.text])).toEqual([[1, 'machine words']])
    db.prepare('UPDATE consent SET withdrawn_at = ? WHERE speaker_id = 1').run(now)
    expect(pseudoLabelCandidates(db, 1, 0.85, now)).toEqual([])
  })
})
