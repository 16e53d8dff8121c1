import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resultStore } from '../../src/main/core/asr/result-store'
import { openDatabase } from '../../src/main/core/db/connection'
import { selectForExport } from '../../src/main/core/export/select'
import { insertRows } from '../support/db'

const now = '2025-01-01T00:00:00.000Z'

describe('word times from labelling to export', () => {
  it('are stored as the labeller aligned them and reach an export of the model’s transcript', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'sauti-words-')), 'project.sqlite'))
    try {
      insertRows(db, 'speaker', [{ code: 'S1', created_at: now }])
      insertRows(db, 'consent', [
        { speaker_id: 1, scope: 'research_release', granted_at: now, created_at: now },
      ])
      insertRows(db, 'recording', [
        {
          sha256: 'a'.repeat(64),
          original_name: 'a.wav',
          source_path: '/a.wav',
          format: 'wav',
          byte_size: 10,
          duration_sec: 3,
          sample_rate: 16000,
          channels: 1,
          imported_at: now,
        },
      ])
      insertRows(db, 'utterance', [
        { recording_id: 1, start_sec: 1, end_sec: 2.5, speaker_id: 1, created_at: now },
      ])
      insertRows(db, 'model', [
        { sha256: 'b'.repeat(64), name: 'm', path: '/m', manifest: '{}', registered_at: now },
      ])
      const words = [
        { word: 'habari', start: 1.1, end: 1.6, score: 0.9, confidence: 0.8 },
        { word: 'yako', start: 1.7, end: 2.4, score: 0, confidence: null },
      ]
      resultStore(
        db,
        1,
        null,
      )([
        {
          utteranceId: 1,
          startSec: 1,
          endSec: 2.5,
          frames: 75,
          hypotheses: [
            {
              rank: 1,
              text: 'habari yako',
              logProb: -1,
              confidence: 0.8,
              words,
              wordFeatures: [
                [0.8, -0.2, -0.5, 0.8, 1, 6, 5, 0.7],
                [0, -30, -30, 0, 1, 4, 0, 0.7],
              ],
            },
          ],
          acquisition: {
            leastConfidence: 0.2,
            entropy: 0.1,
            margin: null,
            disagreement: null,
            embedding: null,
          },
          hiddenStatesFile: null,
        },
      ])
      const stored = db.prepare('SELECT word_times, word_confidences FROM hypothesis').get() as {
        word_times: string
        word_confidences: string
      }
      // Confidences keep their own column; times keep the stored shape older rows have.
      expect(JSON.parse(stored.word_times)).toEqual(
        words.map(({ word, start, end, score }) => ({ word, start, end, score })),
      )
      expect(JSON.parse(stored.word_confidences)).toEqual([0.8, null])

      const selection = selectForExport(
        db,
        'research_release',
        { statuses: ['pseudo'], sources: ['model'], languages: [] },
        now,
      )
      expect(selection.utterances.map((u) => u.words)).toEqual([
        [
          { word: 'habari', start: 1.1, end: 1.6 },
          { word: 'yako', start: 1.7, end: 2.4 },
        ],
      ])
    } finally {
      db.close()
    }
  })
})
