import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach } from 'vitest'
import type { ReadDb, WriteDb } from '../../src/main/core/db/connection'

export type { ReadDb, WriteDb }
import { migrate } from '../../src/main/core/db/migrate'
import { appendRevision, type RevisionSource } from '../../src/main/core/provenance/revisions'

/** A real SQLite file in a fresh temporary folder, at schema version 0. */
export function createDb(): { db: WriteDb; file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sauti-db-'))
  const file = join(dir, 'project.sqlite')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  return {
    db,
    file,
    cleanup: () => {
      if (db.open) db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * For a test file whose tests each need a database of their own: a maker of fresh databases,
 * migrated to `version` when one is given, each removed after the test that made it.
 */
export function freshDbPerTest(): (version?: number) => WriteDb {
  const made: (() => void)[] = []
  afterEach(() => {
    for (const cleanup of made.splice(0)) cleanup()
  })
  return (version) => {
    const { db, cleanup } = createDb()
    made.push(cleanup)
    if (version !== undefined) migrateTo(db, version)
    return db
  }
}

export function migrateTo(db: WriteDb, version: number): void {
  migrate(db, 'test.sqlite', version)
}

export function insertRows(db: WriteDb, table: string, rows: Record<string, unknown>[]): void {
  for (const row of rows) {
    const keys = Object.keys(row)
    // Test helper: table and column names come from the test itself, values are bound.
    db.prepare(
      `INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`,
    ).run(...keys.map((k) => row[k]))
  }
}

/**
 * Hypotheses as labelling stores them: each records the span it was decoded from, here its
 * utterance's span as it is when inserted unless the row names one.
 */
export function insertHypotheses(db: WriteDb, rows: Record<string, unknown>[]): void {
  const span = db.prepare('SELECT start_sec, end_sec FROM utterance WHERE id = ?')
  insertRows(
    db,
    'hypothesis',
    rows.map((row) =>
      'start_sec' in row ? row : { ...(span.get(row.utterance_id) as object), ...row },
    ),
  )
}

export function readTable(db: ReadDb, table: string): Record<string, unknown>[] {
  return db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all() as Record<string, unknown>[]
}

export function tableNames(db: ReadDb): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
  ).map((r) => r.name)
}

/** Every row of every table: compare before and after to prove nothing changed. */
/**
 * Every table's rows: the project's data. `process_lease` is left out: it says which processes
 * have the project open (with a heartbeat), not what the project holds.
 */
export function snapshot(db: ReadDb): Record<string, Record<string, unknown>[]> {
  return Object.fromEntries(
    tableNames(db)
      .filter((t) => t !== 'process_lease')
      .map((t) => [t, readTable(db, t)]),
  )
}

/** A recording row (a 16 kHz mono WAV of `durationSec`), for tests that need utterances. */
export function recordingRow(sha256: string, durationSec = 5): Record<string, unknown> {
  return {
    sha256,
    original_name: 'a.wav',
    source_path: '/a.wav',
    format: 'wav',
    byte_size: 10,
    duration_sec: durationSec,
    sample_rate: 16000,
    channels: 1,
    imported_at: '2026-01-01T00:00:00.000Z',
  }
}

/**
 * Adds one-second utterances of recording 1, one after the other from 0 s, each with its
 * transcript as an imported revision (none when the text is null); returns each one's id.
 */
export function utteranceAdder(
  db: WriteDb,
  createdAt: string,
): (speakerId: number, text: string | null) => number {
  let start = 0
  return (speakerId, text) => {
    insertRows(db, 'utterance', [
      {
        recording_id: 1,
        start_sec: start,
        end_sec: start + 1,
        speaker_id: speakerId,
        created_at: createdAt,
      },
    ])
    start += 1
    const id = (db.prepare('SELECT max(id) AS id FROM utterance').get() as { id: number }).id
    if (text !== null)
      appendRevision(db, {
        utteranceId: id,
        text,
        source: { kind: 'import', ref: 'm.tsv' },
        createdAt,
      })
    return id
  }
}

/** One writer of each kind a revision can have (docs/ARCHITECTURE.md, "A person's transcript"). */
export interface RevisionWriters {
  annotator: RevisionSource
  /** An import of transcripts people wrote. */
  corpus: RevisionSource
  /** An import of another recogniser's output, to be corrected. */
  whisper: RevisionSource
  model: RevisionSource
}

/** Adds annotator 1 and model 1, and names a writer of each kind with them. */
export function revisionWriters(db: WriteDb, createdAt: string): RevisionWriters {
  insertRows(db, 'annotator', [{ name: 'amina', role: 'annotator', created_at: createdAt }])
  insertRows(db, 'model', [
    { sha256: 'b'.repeat(64), name: 'm', path: '/m', manifest: '{}', registered_at: createdAt },
  ])
  return {
    annotator: { kind: 'annotator', annotatorId: 1 },
    corpus: { kind: 'import', ref: 'corpus.eaf#a1' },
    whisper: { kind: 'import', ref: 'asr.tsv:2', machine: { system: 'whisper', importedBy: 1 } },
    model: { kind: 'model', modelId: 1, checkpointId: null },
  }
}
