import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { languageModelSentences } from '../../src/main/core/asr/labeller'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import { createDb, insertRows, migrateTo, recordingRow, utteranceAdder } from '../support/db'

const now = '2026-06-01T00:00:00.000Z'
const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

describe("a labelling run's language model", () => {
  it('learns only people’s transcripts of speakers who consented to training, once each, and the user’s lines', async () => {
    const { db, cleanup } = createDb()
    cleanups.push(cleanup)
    migrateTo(db, latestSchemaVersion)
    insertRows(db, 'recording', [recordingRow('a'.repeat(64), 100)])
    insertRows(db, 'annotator', [{ name: 'Asha', role: 'annotator', created_at: now }])
    for (const code of ['AGREED', 'NOT-ASKED', 'WITHDREW'])
      insertRows(db, 'speaker', [{ code, created_at: now }])
    insertRows(db, 'consent', [
      { speaker_id: 1, scope: 'model_training', granted_at: now, created_at: now },
      {
        speaker_id: 3,
        scope: 'model_training',
        granted_at: '2026-01-01T00:00:00.000Z',
        withdrawn_at: '2026-03-01T00:00:00.000Z',
        created_at: now,
      },
    ])
    const utterance = utteranceAdder(db, now)
    utterance(1, 'leo ni siku nzuri')
    // Merged into the one before: its words are in that one's transcript already.
    const merged = utterance(1, 'siku nzuri')
    db.prepare('UPDATE utterance SET merged_into = 1 WHERE id = ?').run(merged)
    // A person corrected an import: only the newest person's text counts.
    const corrected = utterance(1, 'soko la mji')
    appendRevision(db, {
      utteranceId: corrected,
      text: 'soko la mjini',
      source: { kind: 'annotator', annotatorId: 1 },
      createdAt: now,
    })
    // Machine output waiting for a person, and an autosave draft: nobody's transcript yet.
    const machine = utterance(1, null)
    appendRevision(db, {
      utteranceId: machine,
      text: 'maneno ya mashine',
      source: { kind: 'import', ref: 'asr.tsv', machine: { system: 'other', importedBy: null } },
      createdAt: now,
    })
    const draft = utterance(1, null)
    appendRevision(db, {
      utteranceId: draft,
      text: 'nusu ya',
      source: { kind: 'annotator', annotatorId: 1 },
      draft: true,
      createdAt: now,
    })
    utterance(2, 'bila ridhaa')
    utterance(3, 'ridhaa imeondolewa')
    const folder = mkdtempSync(join(tmpdir(), 'sauti-lm-'))
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }))
    const words = join(folder, 'words.txt')
    writeFileSync(words, 'mstari wa kwanza\n\nmstari wa pili\n')

    expect(await languageModelSentences(db, [words], now)).toEqual([
      'leo ni siku nzuri',
      'soko la mjini',
      'mstari wa kwanza',
      'mstari wa pili',
    ])
  })
})
