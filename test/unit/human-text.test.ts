import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import {
  annotatorText,
  decision,
  firstHumanText,
  hasHumanText,
  humanText,
  machineImport,
  newestHumanText,
} from '../../src/main/core/provenance/human-text'
import { appendRevision } from '../../src/main/core/provenance/revisions'
import {
  isAnnotatorText,
  isHumanText,
  isMachineImport,
  type RevisionSourceKind,
} from '../../src/shared/domain'
import {
  createDb,
  insertRows,
  migrateTo,
  recordingRow,
  revisionWriters,
  type RevisionWriters,
  type WriteDb,
} from '../support/db'

/**
 * "A person's transcript" exists twice on purpose: as SQL fragments for queries and as JavaScript
 * for revisions already read. Both must say the same of the same rows, whatever an utterance's
 * history holds: autosave drafts, machine output imported for correction, a model's decision.
 */
describe("a person's transcript: the SQL fragments and their JavaScript twins", () => {
  let db: WriteDb
  let cleanup: () => void
  const now = '2026-01-01T00:00:00.000Z'

  type Step = [keyof RevisionWriters, 'draft' | 'saved']

  // Each utterance's history, oldest first.
  const histories: Step[][] = [
    [], // 1: nothing yet
    [['annotator', 'draft']], // 2: an autosave only
    [['whisper', 'draft']], // 3: machine output waiting for a person
    [['annotator', 'saved']], // 4
    [['corpus', 'saved']], // 5: imported as people's
    [['model', 'saved']], // 6: a model's decision
    [
      ['annotator', 'saved'],
      ['annotator', 'draft'],
    ], // 7: an autosave on top of a saved transcript
    [
      ['whisper', 'draft'],
      ['annotator', 'saved'],
    ], // 8: machine output corrected
    [
      ['corpus', 'saved'],
      ['model', 'saved'],
      ['model', 'draft'],
    ], // 9: a model's decision (and a draft of one) on top of a person's
    [
      ['annotator', 'draft'],
      ['annotator', 'saved'],
      ['annotator', 'draft'],
      ['corpus', 'saved'],
      ['corpus', 'draft'],
    ], // 10
  ]

  interface Row {
    id: number
    utterance_id: number
    source_kind: RevisionSourceKind
    draft: number
  }
  let rows: Row[]
  const twin = (r: Row): { sourceKind: RevisionSourceKind; draft: boolean } => ({
    sourceKind: r.source_kind,
    draft: r.draft === 1,
  })
  const ids = (sql: string): number[] =>
    (db.prepare(sql).all() as { id: number }[]).map((r) => r.id)

  beforeAll(() => {
    ;({ db, cleanup } = createDb())
    migrateTo(db, latestSchemaVersion)
    const writers = revisionWriters(db, now)
    insertRows(db, 'recording', [recordingRow('a'.repeat(64), 60)])
    histories.forEach((history, i) => {
      insertRows(db, 'utterance', [
        { recording_id: 1, start_sec: i, end_sec: i + 1, created_at: now },
      ])
      for (const [writer, state] of history)
        appendRevision(db, {
          utteranceId: i + 1,
          text: `text ${i + 1}`,
          source: writers[writer],
          draft: state === 'draft',
          createdAt: now,
        })
    })
    rows = db
      .prepare('SELECT id, utterance_id, source_kind, draft FROM revision ORDER BY id')
      .all() as Row[]
  })
  afterAll(() => cleanup())

  it('picks the same revisions in SQL as in JavaScript', () => {
    const bySql = (fragment: (v: string) => string): number[] =>
      ids(`SELECT v.id FROM revision v WHERE ${fragment('v')} ORDER BY v.id`)
    const byJs = (rule: (r: ReturnType<typeof twin>) => boolean): number[] =>
      rows.filter((r) => rule(twin(r))).map((r) => r.id)
    expect(bySql(humanText)).toEqual(byJs(isHumanText))
    expect(bySql(annotatorText)).toEqual(byJs(isAnnotatorText))
    expect(bySql(machineImport)).toEqual(byJs(isMachineImport))
    expect(bySql(decision)).toEqual(byJs((r) => !r.draft))
    // Every kind of revision is among the rows, so each twin was asked both ways.
    expect(new Set(rows.map((r) => `${r.source_kind} ${r.draft}`)).size).toBe(6)
  })

  it('calls transcribed exactly the utterances with a person’s transcript', () => {
    const human = rows.filter((r) => isHumanText(twin(r)))
    const byUtterance = (pick: (ids: number[]) => number | undefined): (number | null)[] =>
      histories.map(
        (_, i) => pick(human.filter((r) => r.utterance_id === i + 1).map((r) => r.id)) ?? null,
      )
    expect(ids(`SELECT u.id FROM utterance u WHERE ${hasHumanText('u.id')} ORDER BY u.id`)).toEqual(
      [4, 5, 7, 8, 9, 10],
    )
    const column = (sql: string): (number | null)[] =>
      (
        db.prepare(`SELECT ${sql} AS id FROM utterance u ORDER BY u.id`).all() as {
          id: number | null
        }[]
      ).map((r) => r.id)
    expect(column(newestHumanText('u.id'))).toEqual(byUtterance((ids) => ids.at(-1)))
    expect(column(firstHumanText('u.id'))).toEqual(byUtterance((ids) => ids[0]))
    // Utterance 10: the newest person's text is the import, not the drafts around it.
    const newest = db
      .prepare(
        `SELECT v.source_kind, v.draft FROM revision v WHERE v.id = ${newestHumanText('10')}`,
      )
      .get()
    expect(newest).toEqual({ source_kind: 'import', draft: 0 })
  })

  it('keeps per-utterance questions on the revision index', () => {
    for (const sql of [
      `SELECT u.id FROM utterance u WHERE ${hasHumanText('u.id')}`,
      `SELECT ${newestHumanText('u.id')} FROM utterance u`,
      `SELECT ${firstHumanText('u.id')} FROM utterance u`,
    ]) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
        .map((r) => r.detail)
        .join('\n')
      expect(plan, sql).toMatch(/SEARCH hv (EXISTS )?USING (COVERING )?INDEX revision_by_utterance/)
      expect(plan, sql).not.toMatch(/SCAN hv/)
    }
  })
})
