import { createHash } from 'node:crypto'
import { copyFileSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/main/core/db/connection'
import { latestSchemaVersion, schemaVersion } from '../../src/main/core/db/migrate'
import { migrations } from '../../src/main/core/db/migrations'
import { appendRevision, revisionHash, verifyChain } from '../../src/main/core/provenance/revisions'
import {
  freshDbPerTest,
  insertRows,
  migrateTo,
  readTable,
  recordingRow,
  tableNames,
  type WriteDb,
} from '../support/db'

const now = '2026-01-01T00:00:00.000Z'
const freshDb = freshDbPerTest()

const sha = (c: string): string => c.repeat(64)

describe('migration registry', () => {
  it('numbers migrations 1..n with no gaps', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1))
    expect(latestSchemaVersion).toBe(migrations.length)
  })

  it('brings a new database to the latest version in WAL mode', () => {
    const made = freshDb()
    made.close()
    const db = openDatabase(made.name)
    expect(schemaVersion(db)).toBe(latestSchemaVersion)
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    db.close()
  })
})

describe('migration 1: people', () => {
  it('creates speakers, consent and annotators with their constraints', () => {
    const db = freshDb()
    migrateTo(db, 1)
    expect(schemaVersion(db)).toBe(1)
    expect(tableNames(db)).toEqual(['annotator', 'consent', 'project_meta', 'speaker'])
    insertRows(db, 'speaker', [{ code: 'SPK-1', gender: 'female', created_at: now }])
    insertRows(db, 'consent', [
      { speaker_id: 1, scope: 'annotation', granted_at: now, created_at: now },
    ])
    expect(readTable(db, 'consent')[0]).toMatchObject({ scope: 'annotation', withdrawn_at: null })
    expect(() =>
      insertRows(db, 'consent', [
        { speaker_id: 1, scope: 'selling', granted_at: now, created_at: now },
      ]),
    ).toThrow(/CHECK/)
    expect(() =>
      insertRows(db, 'consent', [
        { speaker_id: 99, scope: 'annotation', granted_at: now, created_at: now },
      ]),
    ).toThrow(/FOREIGN KEY/)
    expect(() => insertRows(db, 'speaker', [{ code: 'SPK-1', created_at: now }])).toThrow(/UNIQUE/)
  })
})

describe('migration 2: audio', () => {
  it('keeps existing speakers and adds recordings and utterances', () => {
    const db = freshDb()
    migrateTo(db, 1)
    insertRows(db, 'speaker', [{ code: 'SPK-1', created_at: now }])
    migrateTo(db, 2)
    expect(readTable(db, 'speaker')).toHaveLength(1)
    insertRows(db, 'recording', [recordingRow(sha('a'), 1.5)])
    insertRows(db, 'utterance', [
      { recording_id: 1, start_sec: 0, end_sec: 1.5, speaker_id: 1, created_at: now },
    ])
    expect(readTable(db, 'utterance')[0]).toMatchObject({ status: 'new', split: null })
    expect(() =>
      insertRows(db, 'utterance', [
        { recording_id: 1, start_sec: 1, end_sec: 0.5, created_at: now },
      ]),
    ).toThrow(/CHECK/)
    expect(() =>
      insertRows(db, 'recording', [
        {
          sha256: sha('a'),
          original_name: 'b.wav',
          source_path: '/b',
          format: 'wav',
          byte_size: 1,
          duration_sec: 1,
          sample_rate: 1,
          channels: 1,
          imported_at: now,
        },
      ]),
    ).toThrow(/UNIQUE/)
  })

  it('lists utterances of a recording through its index', () => {
    const db = freshDb()
    migrateTo(db, 2)
    const plan = db
      .prepare(
        'EXPLAIN QUERY PLAN SELECT id FROM utterance WHERE recording_id = ? ORDER BY start_sec',
      )
      .all(1) as { detail: string }[]
    expect(plan.map((p) => p.detail).join('\n')).toMatch(
      /USING (COVERING )?INDEX utterance_by_recording/,
    )
  })
})

describe('migration 3: models', () => {
  it('adds models and checkpoints with a parent link', () => {
    const db = freshDb()
    migrateTo(db, 3)
    insertRows(db, 'model', [
      { sha256: sha('b'), name: 'starter', path: '/m', manifest: '{}', registered_at: now },
    ])
    insertRows(db, 'checkpoint', [
      { model_id: 1, path: '/c1', sha256: sha('c'), created_at: now },
      { model_id: 1, parent_id: 1, path: '/c2', sha256: sha('d'), created_at: now },
    ])
    expect(readTable(db, 'checkpoint').map((c) => c.status)).toEqual(['inactive', 'inactive'])
    expect(() =>
      insertRows(db, 'checkpoint', [
        { model_id: 1, path: '/x', sha256: sha('e'), status: 'great', created_at: now },
      ]),
    ).toThrow(/CHECK/)
  })
})

describe('migration 4: provenance', () => {
  function withUtterance(): WriteDb {
    const db = freshDb()
    migrateTo(db, 3)
    insertRows(db, 'recording', [recordingRow(sha('a'), 1.5)])
    insertRows(db, 'utterance', [{ recording_id: 1, start_sec: 0, end_sec: 1.5, created_at: now }])
    migrateTo(db, 4)
    return db
  }

  it('makes revisions append-only, even for hand-written SQL', () => {
    const db = withUtterance()
    insertRows(db, 'revision', [
      {
        utterance_id: 1,
        text: 'habari',
        source_kind: 'import',
        source_ref: 'm.tsv:2',
        created_at: now,
        hash: sha('f'),
      },
    ])
    expect(() => db.prepare("UPDATE revision SET text = 'changed'").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM revision').run()).toThrow(/append-only/)
    expect(readTable(db, 'revision')[0]).toMatchObject({ text: 'habari' })
  })

  it('requires each revision to name its source', () => {
    const db = withUtterance()
    // An annotator revision without an annotator, and a model revision without a model, are refused.
    expect(() =>
      insertRows(db, 'revision', [
        { utterance_id: 1, text: 'x', source_kind: 'annotator', created_at: now, hash: sha('1') },
      ]),
    ).toThrow(/CHECK/)
    expect(() =>
      insertRows(db, 'revision', [
        { utterance_id: 1, text: 'x', source_kind: 'model', created_at: now, hash: sha('2') },
      ]),
    ).toThrow(/CHECK/)
  })

  it('adds reviews, hypotheses and lineage', () => {
    const db = withUtterance()
    expect(tableNames(db)).toEqual(
      expect.arrayContaining(['review', 'hypothesis', 'lineage', 'revision']),
    )
    insertRows(db, 'model', [
      { sha256: sha('b'), name: 'starter', path: '/m', manifest: '{}', registered_at: now },
    ])
    insertRows(db, 'hypothesis', [
      {
        utterance_id: 1,
        model_id: 1,
        rank: 1,
        text: 'habari',
        score: -1.2,
        confidence: 0.8,
        created_at: now,
      },
    ])
    expect(() =>
      insertRows(db, 'hypothesis', [
        {
          utterance_id: 1,
          model_id: 1,
          rank: 2,
          text: 'x',
          score: 0,
          confidence: 1.5,
          created_at: now,
        },
      ]),
    ).toThrow(/CHECK/)
  })
})

describe('migration 5: runs', () => {
  it('records labelling runs with their provider and why others were not used', () => {
    const db = freshDb()
    migrateTo(db, 4)
    insertRows(db, 'model', [
      { sha256: sha('b'), name: 'starter', path: '/m', manifest: '{}', registered_at: now },
    ])
    migrateTo(db, 5)
    const attempts = JSON.stringify([
      { name: 'cuda', ok: false, reason: 'not installed' },
      { name: 'cpu', ok: true, reason: 'fallback' },
    ])
    insertRows(db, 'label_run', [
      {
        model_id: 1,
        provider: 'cpu',
        provider_attempts: attempts,
        status: 'done',
        started_at: now,
        finished_at: now,
      },
    ])
    expect(readTable(db, 'label_run')[0]).toMatchObject({
      provider: 'cpu',
      utterances: 0,
      checkpoint_id: null,
    })
    expect(() =>
      insertRows(db, 'label_run', [
        { model_id: 1, status: 'maybe', started_at: now, finished_at: now },
      ]),
    ).toThrow(/CHECK/)
    expect(() =>
      insertRows(db, 'label_run', [
        { model_id: 7, status: 'done', started_at: now, finished_at: now },
      ]),
    ).toThrow(/FOREIGN KEY/)
  })
})

describe('migration 6: workspace', () => {
  it('copies the current best hypothesis onto utterances, keeps old revision hashes, and tracks new hypotheses', () => {
    const db = freshDb()
    migrateTo(db, 5)
    insertRows(db, 'speaker', [{ code: 'S1', created_at: now }])
    insertRows(db, 'recording', [recordingRow(sha('c'))])
    insertRows(db, 'utterance', [
      { recording_id: 1, start_sec: 0, end_sec: 2, speaker_id: 1, created_at: now },
      { recording_id: 1, start_sec: 2, end_sec: 4, speaker_id: 1, created_at: now },
    ])
    insertRows(db, 'model', [
      { sha256: sha('b'), name: 'm', path: '/m', manifest: '{}', registered_at: now },
    ])
    insertRows(db, 'hypothesis', [
      {
        utterance_id: 1,
        model_id: 1,
        rank: 1,
        text: 'a',
        score: -1,
        confidence: 0.4,
        created_at: now,
      },
      {
        utterance_id: 1,
        model_id: 1,
        rank: 2,
        text: 'b',
        score: -2,
        confidence: 0.2,
        created_at: now,
      },
    ])
    // A revision as schema 5 wrote it (no hypothesis link, no draft flag), hashed as it was then.
    const content = {
      utteranceId: 1,
      text: 'a',
      spans: [],
      sourceKind: 'import' as const,
      annotatorId: null,
      modelId: null,
      checkpointId: null,
      sourceRef: 'm.tsv:2',
      hypothesisId: null,
      draft: false,
      createdAt: now,
    }
    const hash = revisionHash(null, content)
    // Schema 5's canonical form, spelled out: the hash must not depend on the new columns.
    const schema5 = JSON.stringify([
      '0'.repeat(64),
      1,
      'a',
      [],
      'import',
      null,
      null,
      null,
      'm.tsv:2',
      now,
    ])
    expect(hash).toBe(createHash('sha256').update(schema5).digest('hex'))
    insertRows(db, 'revision', [
      {
        utterance_id: 1,
        text: 'a',
        source_kind: 'import',
        source_ref: 'm.tsv:2',
        created_at: now,
        hash,
      },
    ])
    migrateTo(db, 6)
    const utterances = readTable(db, 'utterance')
    expect(utterances.map((u) => [u.hypothesis_id, u.confidence])).toEqual([
      [1, 0.4],
      [null, null],
    ])
    // Every utterance of the recording had one speaker: the recording takes it.
    expect(readTable(db, 'recording')[0]).toMatchObject({ speaker_id: 1 })
    // A revision written before the migration still verifies: its hash did not change meaning.
    expect(verifyChain(db, 1)).toEqual({ ok: true })
    expect(readTable(db, 'revision')[0]).toMatchObject({ hash, draft: 0 })
    insertRows(db, 'hypothesis', [
      {
        utterance_id: 2,
        model_id: 1,
        rank: 1,
        text: 'c',
        score: -1,
        confidence: 0.9,
        created_at: now,
      },
    ])
    expect(readTable(db, 'utterance')[1]).toMatchObject({ hypothesis_id: 3, confidence: 0.9 })
    expect(() =>
      db.prepare("UPDATE utterance SET flag_reason = 'boring' WHERE id = 1").run(),
    ).toThrow(/CHECK/)
  })
})

describe('migration 7: adaptation', () => {
  it('adds splits, training runs (one running at a time), checkpoint vocabularies, acquisition and priorities', () => {
    const db = freshDb()
    migrateTo(db, 6)
    insertRows(db, 'speaker', [{ code: 'S1', created_at: now }])
    insertRows(db, 'model', [
      { sha256: sha('b'), name: 'm', path: '/m', manifest: '{}', registered_at: now },
    ])
    insertRows(db, 'checkpoint', [{ model_id: 1, path: '/c', sha256: sha('d'), created_at: now }])
    migrateTo(db, 7)
    expect(readTable(db, 'checkpoint')[0]).toMatchObject({ vocabulary: '[]', activated_at: null })
    insertRows(db, 'speaker_split', [{ speaker_id: 1, split: 'dev', assigned_at: now }])
    expect(() =>
      insertRows(db, 'speaker_split', [{ speaker_id: 1, split: 'train', assigned_at: now }]),
    ).toThrow(/UNIQUE|PRIMARY/)
    const run = { model_id: 1, trigger: 'manual', status: 'running', started_at: now }
    insertRows(db, 'train_run', [run])
    // A second running training in the same project is refused by the store itself.
    expect(() => insertRows(db, 'train_run', [run])).toThrow(/UNIQUE/)
    insertRows(db, 'train_run', [{ ...run, status: 'done' }])
    expect(() => insertRows(db, 'train_run', [{ ...run, status: 'paused' }])).toThrow(/CHECK/)
    expect(tableNames(db)).toEqual(
      expect.arrayContaining(['speaker_split', 'train_run', 'lineage_pseudo', 'acquisition']),
    )
  })
})

describe('migration 8: consent audit', () => {
  it('adds consent evidence, withdrawal authors, purges and export runs, keeping existing rows', () => {
    const db = freshDb()
    migrateTo(db, 7)
    insertRows(db, 'annotator', [{ name: 'Lead', role: 'lead', created_at: now }])
    insertRows(db, 'speaker', [{ code: 'S1', created_at: now }])
    insertRows(db, 'consent', [
      { speaker_id: 1, scope: 'annotation', granted_at: now, created_at: now },
    ])
    insertRows(db, 'recording', [recordingRow(sha('a'), 1)])
    migrateTo(db, 8)
    expect(readTable(db, 'consent')[0]).toMatchObject({ scope: 'annotation', withdrawn_by: null })
    expect(readTable(db, 'recording')[0]).toMatchObject({ sha256: sha('a'), purged_at: null })
    insertRows(db, 'consent_evidence', [
      { sha256: sha('e'), original_name: 'form.pdf', byte_size: 3, stored_at: now },
    ])
    expect(() =>
      insertRows(db, 'consent_evidence', [
        { sha256: 'short', original_name: 'x', byte_size: 3, stored_at: now },
      ]),
    ).toThrow(/CHECK/)
    insertRows(db, 'purge', [{ speaker_id: 1, purged_by: 1, purged_at: now }])
    // A purge must name who did it: the audit record is useless without.
    expect(() => insertRows(db, 'purge', [{ speaker_id: 1, purged_at: now }])).toThrow(/NOT NULL/)
    const run = {
      scope: 'research_release',
      exported_by: 1,
      directory: '/x',
      speakers: 1,
      utterances: 2,
      manifest_sha256: sha('f'),
      consent_snapshot: '{}',
      created_at: now,
    }
    insertRows(db, 'export_run', [run])
    expect(() => insertRows(db, 'export_run', [{ ...run, scope: 'anything' }])).toThrow(/CHECK/)
    expect(tableNames(db)).toEqual(
      expect.arrayContaining(['consent_evidence', 'purge', 'export_run']),
    )
  })
})

describe('migration 9: review', () => {
  it('adds a second parent covered by the hash, and blind double annotation with its constraints', () => {
    const db = freshDb()
    migrateTo(db, 8)
    insertRows(db, 'annotator', [
      { name: 'A', role: 'annotator', created_at: now },
      { name: 'B', role: 'annotator', created_at: now },
      { name: 'R', role: 'reviewer', created_at: now },
    ])
    insertRows(db, 'recording', [recordingRow(sha('a'), 3)])
    insertRows(db, 'utterance', [{ recording_id: 1, start_sec: 0, end_sec: 2, created_at: now }])
    const a = appendRevision(db, {
      utteranceId: 1,
      text: 'mimi ni mwalimu',
      source: { kind: 'annotator', annotatorId: 1 },
      createdAt: now,
    })
    const b = appendRevision(db, {
      utteranceId: 1,
      text: 'mimi ni mwalimu wenu',
      source: { kind: 'annotator', annotatorId: 2 },
      createdAt: now,
    })
    migrateTo(db, 9)
    // Revisions written before keep their hashes: the second parent is hashed only when set.
    expect(verifyChain(db, 1)).toEqual({ ok: true })
    expect(readTable(db, 'revision').map((r) => r.merge_parent_id)).toEqual([null, null])
    const merged = appendRevision(db, {
      utteranceId: 1,
      text: 'mimi ni mwalimu wenu',
      source: { kind: 'annotator', annotatorId: 3 },
      mergeParentId: a.id,
      createdAt: now,
    })
    expect(merged).toMatchObject({ parentId: b.id, mergeParentId: a.id })
    expect(verifyChain(db, 1)).toEqual({ ok: true })
    const row = { utterance_id: 1, first_annotator_id: 1, assigned_at: now }
    expect(() => insertRows(db, 'double_annotation', [{ ...row, second_annotator_id: 1 }])).toThrow(
      /CHECK/,
    )
    expect(() => insertRows(db, 'double_annotation', [{ ...row, agreement_wer: -1 }])).toThrow(
      /CHECK/,
    )
    insertRows(db, 'double_annotation', [{ ...row, second_annotator_id: 2, agreement_wer: 0.25 }])
    expect(() => insertRows(db, 'double_annotation', [row])).toThrow(/UNIQUE|PRIMARY/)
    // Relinking the second parent behind the application's back breaks the chain there.
    db.exec('DROP TRIGGER revision_is_append_only_update')
    db.prepare('UPDATE revision SET merge_parent_id = NULL WHERE id = ?').run(merged.id)
    expect(verifyChain(db, 1)).toEqual({ ok: false, revisionId: merged.id })
  })
})

describe('migration 10: revision head', () => {
  it('records each utterance’s newest revision hash, from the old rows and on every insert', () => {
    const db = freshDb()
    migrateTo(db, 9)
    insertRows(db, 'recording', [recordingRow(sha('c'))])
    insertRows(db, 'utterance', [
      { recording_id: 1, start_sec: 0, end_sec: 2, created_at: now },
      { recording_id: 1, start_sec: 2, end_sec: 4, created_at: now },
    ])
    insertRows(db, 'revision', [
      { utterance_id: 1, text: 'a', source_kind: 'import', created_at: now, hash: sha('1') },
    ])
    migrateTo(db, 10)
    expect(readTable(db, 'utterance').map((u) => u.revision_head)).toEqual([sha('1'), null])
    insertRows(db, 'revision', [
      {
        utterance_id: 1,
        parent_id: 1,
        text: 'b',
        source_kind: 'import',
        created_at: now,
        hash: sha('2'),
      },
      { utterance_id: 2, text: 'c', source_kind: 'import', created_at: now, hash: sha('3') },
    ])
    expect(readTable(db, 'utterance').map((u) => u.revision_head)).toEqual([sha('2'), sha('3')])
  })
})

describe('migration 11: recording splits', () => {
  it('keeps one split per stretch of a recording, refuses another split name, and indexes utterance.split', () => {
    const db = freshDb()
    migrateTo(db, 10)
    insertRows(db, 'recording', [
      {
        sha256: sha('d'),
        original_name: 'story.wav',
        source_path: '/story.wav',
        format: 'wav',
        byte_size: 10,
        duration_sec: 600,
        sample_rate: 16000,
        channels: 1,
        imported_at: now,
      },
    ])
    migrateTo(db, 11)
    insertRows(db, 'recording_split', [
      { recording_id: 1, block: 0, language: 'sw', split: 'train', assigned_at: now },
      { recording_id: 1, block: 1, language: 'sw', split: 'dev', assigned_at: now },
    ])
    expect(readTable(db, 'recording_split').map((r) => r.split)).toEqual(['train', 'dev'])
    expect(() =>
      insertRows(db, 'recording_split', [
        { recording_id: 1, block: 1, language: 'sw', split: 'test', assigned_at: now },
      ]),
    ).toThrow(/UNIQUE/)
    expect(() =>
      insertRows(db, 'recording_split', [
        { recording_id: 1, block: 2, language: 'sw', split: 'holdout', assigned_at: now },
      ]),
    ).toThrow(/CHECK/)
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM utterance WHERE split = 'dev'")
      .all() as { detail: string }[]
    expect(plan.map((p) => p.detail).join(' ')).toMatch(
      /USING (COVERING )?INDEX utterance_by_split/,
    )
  })
})

describe('migration 12: calibration', () => {
  it('keeps hypotheses (raw, uncalibrated), stores fits, and moves the queue’s confidence with a recalibrated best hypothesis', () => {
    const db = freshDb()
    migrateTo(db, 11)
    insertRows(db, 'recording', [recordingRow(sha('c'), 5)])
    insertRows(db, 'utterance', [{ recording_id: 1, start_sec: 0, end_sec: 2, created_at: now }])
    insertRows(db, 'model', [
      { sha256: sha('b'), name: 'm', path: '/m', manifest: '{}', registered_at: now },
    ])
    insertRows(db, 'hypothesis', [
      {
        utterance_id: 1,
        model_id: 1,
        rank: 1,
        text: 'a',
        score: -1,
        confidence: 0.4,
        created_at: now,
      },
    ])
    migrateTo(db, 12)
    expect(readTable(db, 'hypothesis')[0]).toMatchObject({
      confidence: 0.4,
      word_features: null,
      calibration_id: null,
    })
    expect(readTable(db, 'utterance')[0]).toMatchObject({ hypothesis_id: 1, confidence: 0.4 })
    insertRows(db, 'calibration', [
      {
        model_id: 1,
        status: 'fitted',
        method: 'logistic',
        parameters: '{}',
        dev_words: 300,
        dev_utterances: 40,
        message: 'fitted',
        fitted_at: now,
      },
    ])
    // A fit without parameters, or raw scores with some, is refused.
    expect(() =>
      insertRows(db, 'calibration', [
        {
          model_id: 1,
          status: 'fitted',
          dev_words: 0,
          dev_utterances: 0,
          message: '',
          fitted_at: now,
        },
      ]),
    ).toThrow(/CHECK/)
    db.prepare('UPDATE hypothesis SET confidence = 0.9, calibration_id = 1 WHERE id = 1').run()
    expect(readTable(db, 'utterance')[0]).toMatchObject({ confidence: 0.9 })
  })
})

describe('migration 14: owners', () => {
  it('records process leases and resumable jobs with their owner, and who runs a training', () => {
    const db = freshDb()
    migrateTo(db, 13)
    insertRows(db, 'model', [
      { sha256: sha('m'), name: 'm', path: '/m', manifest: '{}', registered_at: now },
    ])
    insertRows(db, 'train_run', [
      { model_id: 1, trigger: 'manual', status: 'running', started_at: now },
    ])
    migrateTo(db, 14)
    // A run from before has no owner: the next start takes its process for gone.
    expect(readTable(db, 'train_run')[0]).toMatchObject({ status: 'running', owner: null })
    insertRows(db, 'process_lease', [
      { key: 'abcd0123-42-7', pid: 42, host: 'abcd0123', started_at: now, heartbeat_at: now },
    ])
    expect(() =>
      insertRows(db, 'process_lease', [
        { key: 'abcd0123-42-7', pid: 42, host: 'abcd0123', started_at: now, heartbeat_at: now },
      ]),
    ).toThrow(/UNIQUE/)
    insertRows(db, 'job_run', [
      { kind: 'label', owner: 'abcd0123-42-7', pid: 42, status: 'running', started_at: now },
    ])
    expect(() =>
      insertRows(db, 'job_run', [
        { kind: 'label', owner: 'x', pid: 1, status: 'paused', started_at: now },
      ]),
    ).toThrow(/CHECK/)
    expect(readTable(db, 'job_run')[0]).toMatchObject({ input: '{}', resumed_by: null })
  })
})

describe('migration 16: search', () => {
  const indexed = (db: WriteDb, word: string): number[] =>
    (
      db
        .prepare('SELECT rowid FROM search_folded WHERE search_folded MATCH ? ORDER BY rowid')
        .all(word) as { rowid: number }[]
    ).map((r) => r.rowid)

  it('indexes each utterance’s newest transcript, leaves purged recordings out, and follows new revisions', () => {
    const db = freshDb()
    migrateTo(db, 15)
    insertRows(db, 'recording', [recordingRow(sha('a')), recordingRow(sha('b'))])
    insertRows(db, 'utterance', [
      { recording_id: 1, start_sec: 0, end_sec: 1, created_at: now },
      { recording_id: 1, start_sec: 1, end_sec: 2, created_at: now },
      { recording_id: 2, start_sec: 0, end_sec: 1, created_at: now },
    ])
    const add = (utteranceId: number, text: string) =>
      appendRevision(db, {
        utteranceId,
        text,
        source: { kind: 'import', ref: 'm' },
        createdAt: now,
      })
    add(1, 'habari ya zamani')
    add(1, 'habari mpya')
    add(3, 'siri ya mtu')
    db.prepare('UPDATE recording SET purged_at = ? WHERE id = 2').run(now)
    migrateTo(db, 16)
    expect(readTable(db, 'search_text')).toEqual([
      expect.objectContaining({ utterance_id: 1, text: 'habari mpya' }),
    ])
    expect(indexed(db, 'zamani')).toEqual([])
    expect(indexed(db, 'habari')).toEqual([1])
    expect(indexed(db, 'siri')).toEqual([])
    // After the migration the triggers keep it: a new revision replaces, a purge removes.
    add(2, 'Café mpya')
    expect(indexed(db, 'mpya')).toEqual([1, 2])
    expect(indexed(db, 'cafe')).toEqual([2])
    db.prepare('UPDATE recording SET purged_at = ? WHERE id = 1').run(now)
    expect(indexed(db, 'mpya')).toEqual([])
    // A revision written for a purged recording's utterance never reaches the index.
    add(1, 'habari tena')
    expect(indexed(db, 'tena')).toEqual([])
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    db.exec("INSERT INTO search_folded (search_folded) VALUES ('integrity-check')")
    db.exec("INSERT INTO search_exact (search_exact) VALUES ('integrity-check')")
  })

  it('keeps saved filters per profile, one name each', () => {
    const db = freshDb()
    migrateTo(db, 16)
    insertRows(db, 'annotator', [{ name: 'Amina', role: 'annotator', created_at: now }])
    insertRows(db, 'saved_search', [{ owner_id: 1, name: 'soko', filter: '{}', created_at: now }])
    expect(() =>
      insertRows(db, 'saved_search', [
        { owner_id: 1, name: 'soko', filter: '{}', created_at: now },
      ]),
    ).toThrow(/UNIQUE/)
    expect(() =>
      insertRows(db, 'saved_search', [{ owner_id: 1, name: '', filter: '{}', created_at: now }]),
    ).toThrow(/CHECK/)
  })
})

describe('migration 19: machine import', () => {
  it('keeps older revisions and their hashes, and lets only an import draft name a recogniser', () => {
    const db = freshDb()
    migrateTo(db, 18)
    insertRows(db, 'recording', [recordingRow(sha('a'))])
    insertRows(db, 'utterance', [
      { recording_id: 1, start_sec: 0, end_sec: 1, created_at: now },
      { recording_id: 1, start_sec: 1, end_sec: 2, created_at: now },
    ])
    insertRows(db, 'annotator', [{ name: 'Amina', role: 'lead', created_at: now }])
    const human = appendRevision(db, {
      utteranceId: 1,
      text: 'habari',
      source: { kind: 'import', ref: 'm.tsv:2' },
      createdAt: now,
    })
    migrateTo(db, 19)
    expect(readTable(db, 'revision')[0]).toMatchObject({
      hash: human.hash,
      machine_system: null,
      imported_by: null,
    })
    expect(verifyChain(db, 1)).toEqual({ ok: true })
    // Machine output is stored as a draft naming its recogniser and importer, covered by the hash.
    const machine = appendRevision(db, {
      utteranceId: 2,
      text: 'habari ya asubuhi',
      source: { kind: 'import', ref: 'auto.tsv:2', machine: { system: 'whisper', importedBy: 1 } },
      createdAt: now,
    })
    expect(machine).toMatchObject({ draft: true, machineSystem: 'whisper', importedBy: 1 })
    expect(verifyChain(db, 2)).toEqual({ ok: true })
    expect(revisionHash(null, { ...machine, machineSystem: 'other' })).not.toBe(machine.hash)
    // Neither column fits a person's transcript or an annotator's draft.
    const row = { utterance_id: 1, text: 'x', created_at: now, source_ref: 'm' }
    expect(() =>
      insertRows(db, 'revision', [
        { ...row, source_kind: 'import', draft: 0, machine_system: 'w', hash: sha('3') },
      ]),
    ).toThrow(/CHECK/)
    expect(() =>
      insertRows(db, 'revision', [
        {
          ...row,
          source_kind: 'annotator',
          annotator_id: 1,
          draft: 1,
          imported_by: 1,
          hash: sha('4'),
        },
      ]),
    ).toThrow(/CHECK/)
    expect(() =>
      insertRows(db, 'revision', [
        { ...row, source_kind: 'import', draft: 1, machine_system: '  ', hash: sha('5') },
      ]),
    ).toThrow(/CHECK/)
  })
})

describe('a database from a newer Sauti', () => {
  it('is refused with a clear message and left untouched', () => {
    const db = freshDb(latestSchemaVersion)
    db.pragma(`user_version = ${latestSchemaVersion + 1}`)
    db.close()
    const before = readFileSync(db.name)
    copyFileSync(db.name, `${db.name}.bak`)
    expect(() => openDatabase(db.name)).toThrow(
      new RegExp(`newer version of Sauti \\(schema version ${latestSchemaVersion + 1}`),
    )
    expect(readFileSync(db.name).equals(before)).toBe(true)
  })
})

describe('docs/schema.md', () => {
  it('matches the migrations (run `npm run docs:schema` after adding one)', async () => {
    const { schemaMarkdown } = await import('../../scripts/schema-doc')
    expect(readFileSync(new URL('../../docs/schema.md', import.meta.url), 'utf8')).toBe(
      schemaMarkdown(),
    )
  })
})
