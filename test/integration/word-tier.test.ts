import { describe, expect, it } from 'vitest'
import { saveUtterance, utteranceDetail } from '../../src/main/core/annotate/editor'
import type { WriteDb } from '../../src/main/core/db/connection'
import { selectForExport } from '../../src/main/core/export/select'
import { importTranscript } from '../../src/main/core/provenance/import-revision'
import { verifyChain } from '../../src/main/core/provenance/revisions'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import { fittingWordTimes } from '../../src/main/core/annotate/word-tier'
import { clearance } from '../../src/main/core/accounts/access'
import { defineTier, listTiers, tierTexts, writeTierText } from '../../src/main/core/tiers/tiers'
import { contract } from '../../src/shared/contract'
import { freshDbPerTest, insertRows, migrateTo, readTable, recordingRow } from '../support/db'

const now = '2026-01-01T00:00:00.000Z'
const freshDb = freshDbPerTest()

/** One consented speaker's utterance at 1.0–2.5 s of a 3 s recording, and Amina to edit it. */
function project(): WriteDb {
  const db = freshDb(latestSchemaVersion)
  insertRows(db, 'speaker', [{ code: 'S1', created_at: now }])
  insertRows(db, 'consent', [
    { speaker_id: 1, scope: 'annotation', granted_at: now, created_at: now },
    { speaker_id: 1, scope: 'research_release', granted_at: now, created_at: now },
  ])
  insertRows(db, 'recording', [recordingRow('a'.repeat(64), 3)])
  insertRows(db, 'utterance', [
    { recording_id: 1, start_sec: 1, end_sec: 2.5, speaker_id: 1, created_at: now },
  ])
  insertRows(db, 'annotator', [{ name: 'Amina', role: 'annotator', created_at: now }])
  return db
}

const times = [
  { word: 'habari', start: 1.1, end: 1.6 },
  { word: 'yako', start: 1.7, end: 2.4 },
]

function save(db: WriteDb, input: Partial<Parameters<typeof saveUtterance>[1]>) {
  const head = utteranceDetail(db, 1, now).head
  return saveUtterance(
    db,
    {
      id: 1,
      actorId: 1,
      baseRevisionId: head?.id ?? null,
      hypothesisId: null,
      text: 'habari yako',
      spans: [],
      draft: true,
      status: 'corrected',
      ...input,
    },
    now,
  )
}

const revisions = (db: WriteDb): { word_times: string | null; draft: number }[] =>
  db.prepare('SELECT word_times, draft FROM revision ORDER BY id').all() as {
    word_times: string | null
    draft: number
  }[]

describe('word times moved on the word tier', () => {
  it('are saved with the revision under its writer, hashed in its chain, and shown as the tier', () => {
    const db = project()
    save(db, { wordTimes: times })
    expect(JSON.parse(revisions(db)[0]!.word_times!)).toEqual(times)
    expect(utteranceDetail(db, 1, now).wordTier).toEqual({
      source: 'revision',
      words: times,
      by: 'Amina',
    })
    // The same times again change nothing; a moved boundary is a new revision.
    expect(save(db, { wordTimes: times }).revision).toBeNull()
    const moved = [times[0]!, { ...times[1]!, start: 1.65 }]
    expect(save(db, { wordTimes: moved }).revision).not.toBeNull()
    expect(JSON.parse(revisions(db)[1]!.word_times!)).toEqual(moved)
    expect(verifyChain(db, 1)).toEqual({ ok: true })
  })

  it('are refused out of order, outside the utterance or for other words, and nothing is stored', () => {
    const db = project()
    const bad = [
      [times[1]!, times[0]!],
      [{ ...times[0]!, start: 0.5 }, times[1]!],
      [times[0]!, { ...times[1]!, end: 2.9 }],
      [times[0]!],
    ]
    for (const wordTimes of bad)
      expect(() => save(db, { wordTimes })).toThrow(
        /out of order or outside the utterance|the text has 2/,
      )
    expect(revisions(db)).toEqual([])
  })

  it('reach an export of the transcript, and a file’s word tier is imported with its text', () => {
    const db = project()
    save(db, { wordTimes: times, draft: false })
    const selected = selectForExport(
      db,
      'research_release',
      { statuses: ['corrected'], sources: ['annotator'], languages: [] },
      now,
    )
    expect(selected.utterances[0]!.words).toEqual(times)

    const db2 = project()
    db2
      .transaction(() =>
        importTranscript(db2, {
          utteranceId: 1,
          text: 'habari yako',
          wordTimes: fittingWordTimes('habari yako', times, { startSec: 1, endSec: 2.5 }),
          ref: 'a.eaf#u1',
          createdAt: now,
        }),
      )
      .immediate()
    expect(utteranceDetail(db2, 1, now).wordTier).toMatchObject({
      source: 'revision',
      words: times,
    })
    // Times that do not fit the text are left out, not imported wrong.
    expect(fittingWordTimes('habari', times, { startSec: 1, endSec: 2.5 })).toBeNull()
  })
})

describe('migration 18: tiers', () => {
  it('adds word times to revisions without touching their hashes, and keeps tier text append-only', () => {
    const db = freshDb(17)
    insertRows(db, 'annotator', [{ name: 'Zawadi', role: 'lead', created_at: now }])
    insertRows(db, 'recording', [recordingRow('b'.repeat(64))])
    insertRows(db, 'utterance', [{ recording_id: 1, start_sec: 0, end_sec: 2, created_at: now }])
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
    migrateTo(db, 18)
    expect(readTable(db, 'revision')[0]).toMatchObject({ word_times: null, hash: 'h'.repeat(64) })

    insertRows(db, 'tier', [
      { name: 'Translation', kind: 'utterance', position: 1, created_by: 1, created_at: now },
    ])
    expect(() =>
      insertRows(db, 'tier', [{ name: 'translation', kind: 'time', position: 2, created_at: now }]),
    ).toThrow(/UNIQUE/)
    expect(() =>
      insertRows(db, 'tier', [{ name: 'Gloss', kind: 'words', position: 2, created_at: now }]),
    ).toThrow(/CHECK/)
    insertRows(db, 'tier_text', [
      { tier_id: 1, utterance_id: 1, intervals: '[]', annotator_id: 1, created_at: now },
    ])
    // Who wrote it: a person, or the file it came from, never neither.
    expect(() =>
      insertRows(db, 'tier_text', [
        { tier_id: 1, utterance_id: 1, intervals: '[]', created_at: now },
      ]),
    ).toThrow(/CHECK/)
    expect(() => db.prepare("UPDATE tier_text SET intervals = 'x'").run()).toThrow(/append-only/)
    expect(() => db.prepare('DELETE FROM tier_text').run()).toThrow(/append-only/)
  })
})

describe("a project's own tiers", () => {
  it('are defined by leads, written by annotators with who and when, and read back newest first', () => {
    const db = project()
    insertRows(db, 'annotator', [{ name: 'Zawadi', role: 'lead', created_at: now }])
    expect(() => defineTier(db, { actorId: 1, name: 'Translation', kind: 'utterance' })).toThrow(
      /only a lead may define tiers/,
    )
    const translation = defineTier(db, { actorId: 2, name: 'Translation', kind: 'utterance' })
    const gloss = defineTier(db, { actorId: 2, name: 'Gloss', kind: 'time' })
    expect(() => defineTier(db, { actorId: 2, name: 'gloss', kind: 'time' })).toThrow(/already/)
    // The exports name their own tiers so; a project tier of that name would clash in the files.
    for (const name of ['Words', ' language ', 'utterance'])
      expect(() => defineTier(db, { actorId: 2, name, kind: 'time' })).toThrow(
        `a tier cannot be named "${name.trim()}": the ELAN and Praat exports use utterance, word, words and language for their own tiers. Choose another name.`,
      )
    expect(listTiers(db).map((t) => [t.name, t.kind])).toEqual([
      ['Translation', 'utterance'],
      ['Gloss', 'time'],
    ])

    const by = { actorId: 1 }
    writeTierText(db, { tierId: translation.id, utteranceId: 1, text: 'hello', by }, now)
    writeTierText(db, { tierId: translation.id, utteranceId: 1, text: 'hello there', by }, now)
    writeTierText(
      db,
      { tierId: gloss.id, utteranceId: 1, intervals: [{ start: 1.1, end: 1.6, text: 'news' }], by },
      now,
    )
    expect(tierTexts(db, 1, now)).toEqual([
      {
        tierId: translation.id,
        utteranceId: 1,
        intervals: [{ start: 1, end: 2.5, text: 'hello there' }],
        by: 'Amina',
        at: now,
      },
      {
        tierId: gloss.id,
        utteranceId: 1,
        intervals: [{ start: 1.1, end: 1.6, text: 'news' }],
        by: 'Amina',
        at: now,
      },
    ])
    // Both versions of the translation are kept.
    expect(readTable(db, 'tier_text')).toHaveLength(3)
    expect(() =>
      writeTierText(
        db,
        { tierId: gloss.id, utteranceId: 1, intervals: [{ start: 0.2, end: 1, text: 'x' }], by },
        now,
      ),
    ).toThrow(/outside the utterance/)
    expect(() =>
      writeTierText(db, { tierId: gloss.id, utteranceId: 1, text: 'x', by }, now),
    ).toThrow(/time-aligned: give intervals/)
  })

  it('are validated by the contract, and written by annotators but defined only by leads', () => {
    expect(clearance['tier.define']).toBe('lead')
    expect([clearance['tier.write'], clearance['tier.texts'], clearance['tier.list']]).toEqual([
      'annotator',
      'annotator',
      'annotator',
    ])
    const write = contract['tier.write'].input
    expect(write.safeParse({ actorId: 1, tierId: 1, utteranceId: 1, text: 'a' }).success).toBe(true)
    expect(
      write.safeParse({ actorId: 1, tierId: 1, utteranceId: 1, text: 'a', intervals: [] }).success,
    ).toBe(false)
    expect(
      contract['tier.define'].input.safeParse({ actorId: 1, name: ' ', kind: 'time' }).success,
    ).toBe(false)
  })
})
