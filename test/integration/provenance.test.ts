import { afterEach, describe, expect, it } from 'vitest'
import { appendRevision, revisionsOf, verifyChain } from '../../src/main/core/provenance/revisions'
import { createDb, insertRows, migrateTo, type WriteDb } from '../support/db'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'

let cleanup: (() => void) | undefined
afterEach(() => cleanup?.())

function project(): WriteDb {
  const made = createDb()
  cleanup = made.cleanup
  migrateTo(made.db, latestSchemaVersion)
  const now = new Date().toISOString()
  insertRows(made.db, 'recording', [
    {
      sha256: 'a'.repeat(64),
      original_name: 'a.wav',
      source_path: '/a.wav',
      format: 'wav',
      byte_size: 10,
      duration_sec: 2,
      sample_rate: 16000,
      channels: 1,
      imported_at: now,
    },
  ])
  insertRows(made.db, 'utterance', [{ recording_id: 1, start_sec: 0, end_sec: 2, created_at: now }])
  insertRows(made.db, 'annotator', [{ name: 'Amina', role: 'annotator', created_at: now }])
  return made.db
}

describe('revision history', () => {
  it('chains each revision to its parent and answers who wrote it', () => {
    const db = project()
    const first = appendRevision(db, {
      utteranceId: 1,
      text: 'habari ya asubuhi',
      source: { kind: 'import', ref: 'm.tsv:2' },
    })
    const second = appendRevision(db, {
      utteranceId: 1,
      text: 'habari za asubuhi',
      spans: [{ start: 0, end: 3, lang: 'sw' }],
      source: { kind: 'annotator', annotatorId: 1 },
    })
    expect(second.parentId).toBe(first.id)
    expect(second.hash).not.toBe(first.hash)
    const history = revisionsOf(db, 1)
    expect(history.map((r) => [r.text, r.sourceKind, r.annotatorId, r.sourceRef])).toEqual([
      ['habari ya asubuhi', 'import', null, 'm.tsv:2'],
      ['habari za asubuhi', 'annotator', 1, ''],
    ])
    expect(history[1]!.spans).toEqual([{ start: 0, end: 3, lang: 'sw' }])
    expect(verifyChain(db, 1)).toEqual({ ok: true })
  })

  it('detects an edit made behind the application’s back, and says where', () => {
    const db = project()
    appendRevision(db, { utteranceId: 1, text: 'one', source: { kind: 'import', ref: 'x' } })
    const middle = appendRevision(db, {
      utteranceId: 1,
      text: 'two',
      source: { kind: 'annotator', annotatorId: 1 },
    })
    appendRevision(db, {
      utteranceId: 1,
      text: 'three',
      source: { kind: 'annotator', annotatorId: 1 },
    })
    // Someone with sqlite3 drops the guard and rewrites history.
    db.exec('DROP TRIGGER revision_is_append_only_update')
    db.prepare('UPDATE revision SET text = ? WHERE id = ?').run('TWO', middle.id)
    expect(verifyChain(db, 1)).toEqual({ ok: false, revisionId: middle.id })
  })
})
