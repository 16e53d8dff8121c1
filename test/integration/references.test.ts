import { afterEach, describe, expect, it } from 'vitest'
import { createAnnotator } from '../../src/main/core/annotate/annotators'
import { saveUtterance, utteranceDetail } from '../../src/main/core/annotate/editor'
import { queuePage } from '../../src/main/core/annotate/queue'
import {
  languagesNotWritten,
  notWrittenWarning,
  projectLanguages,
} from '../../src/main/core/asr/head-output'
import { latestSchemaVersion } from '../../src/main/core/db/migrate'
import { selectForExport } from '../../src/main/core/export/select'
import { listUtterances } from '../../src/main/core/project/queries'
import {
  createDb,
  insertHypotheses,
  insertRows,
  migrateTo,
  recordingRow,
  type WriteDb,
} from '../support/db'

const now = '2026-06-01T00:00:00.000Z'
const sha = (c: string): string => c.repeat(64)
let cleanup: (() => void) | null = null
afterEach(() => cleanup?.())

const phones = { unit: 'phone', languages: ['en', 'nl'] }
const dutchChars = { unit: 'char', languages: ['nl'] }

/**
 * A project in a real SQLite file with three utterances of a consenting speaker: Dutch (`nl`)
 * and Swahili (`sw`) labelled by a phone model, a character model that writes Dutch and an
 * adapted checkpoint of the phone model.
 */
function project(): WriteDb {
  const made = createDb()
  cleanup = made.cleanup
  const db = made.db
  migrateTo(db, latestSchemaVersion)
  insertRows(db, 'model', [
    {
      sha256: sha('b'),
      name: 'phones',
      path: '/p',
      manifest: JSON.stringify(phones),
      registered_at: now,
    },
    {
      sha256: sha('c'),
      name: 'dutch',
      path: '/d',
      manifest: JSON.stringify(dutchChars),
      registered_at: now,
    },
  ])
  insertRows(db, 'checkpoint', [
    { model_id: 1, path: '/k', sha256: sha('d'), status: 'active', created_at: now },
  ])
  insertRows(db, 'recording', [recordingRow(sha('a'), 30)])
  insertRows(db, 'speaker', [{ code: 'S1', created_at: now }])
  for (const scope of ['annotation', 'research_release'])
    insertRows(db, 'consent', [{ speaker_id: 1, scope, granted_at: now, created_at: now }])
  for (const [i, language] of ['nl-BE', 'sw', 'sw'].entries())
    insertRows(db, 'utterance', [
      {
        recording_id: 1,
        start_sec: i * 5,
        end_sec: i * 5 + 4,
        speaker_id: 1,
        language,
        status: 'pseudo',
        created_at: now,
      },
    ])
  const hypothesis = (utterance: number, model: number, checkpoint: number | null, text: string) =>
    [1, 2].forEach((rank) =>
      insertHypotheses(db, [
        {
          utterance_id: utterance,
          model_id: model,
          checkpoint_id: checkpoint,
          rank,
          text: rank === 1 ? text : `${text} x`,
          score: -rank,
          confidence: 0.6,
          created_at: now,
        },
      ]),
    )
  hypothesis(1, 2, null, 'wat is dit')
  hypothesis(2, 1, null, 'haˈbaɾi ˈjako')
  hypothesis(3, 1, 1, 'habari yako')
  return db
}

describe('model output that is not a transcript', () => {
  it('is marked per hypothesis: phones, another language, or a transcript', () => {
    const db = project()
    const reason = (id: number): (string | null)[] =>
      utteranceDetail(db, id, now).hypotheses.map((h) => h.reference)
    // A character model that writes nl transcribes nl-BE.
    expect(reason(1)).toEqual([null, null])
    // The phone model's own head: a reference; its adapted checkpoint: a transcript.
    expect(reason(2)).toEqual(['phones', 'phones'])
    expect(reason(3)).toEqual([null, null])
    // The Dutch model on a Swahili utterance: another language.
    insertHypotheses(db, [
      { utterance_id: 3, model_id: 2, rank: 1, text: 'hebben jij', score: -1, created_at: now },
    ])
    expect(reason(3)).toEqual(['language'])
  })

  it("shows in a recording's utterances as a model draft when it is a transcript, and not at all when it is a reference", () => {
    const db = project()
    const listed = listUtterances(db, 1, 0, 10).items.map((u) => [u.text, u.textSource])
    expect(listed).toEqual([
      ['wat is dit', 'model'],
      [null, null],
      ['habari yako', 'model'],
    ])
  })

  it('is no queue text, cannot be saved unchanged as the transcript, and is never exported', () => {
    const db = project()
    const page = queuePage(db, {
      order: 'file',
      descending: false,
      filter: {},
      offset: 0,
      limit: 10,
      counts: false,
    })
    expect(page.items.map((i) => i.text)).toEqual(['wat is dit', null, 'habari yako'])

    const amina = createAnnotator(db, { name: 'Amina', role: 'annotator', languages: ['sw'] })
    const reference = utteranceDetail(db, 2, now).hypotheses[0]!
    const save = (text: string) =>
      saveUtterance(
        db,
        {
          id: 2,
          actorId: amina.id,
          baseRevisionId: null,
          hypothesisId: reference.id,
          text,
          spans: [],
          draft: false,
          status: 'corrected',
        },
        now,
      )
    expect(() => save(` ${reference.text} `)).toThrow(/phonetic reference .* not a transcript/)
    expect(db.prepare('SELECT count(*) AS n FROM revision').get()).toEqual({ n: 0 })

    // Machine labels: the transcripts go out, the reference stays home and is named.
    const selection = selectForExport(
      db,
      'research_release',
      { statuses: ['pseudo'], sources: ['model'], languages: [] },
      now,
    )
    expect(selection.utterances.map((u) => [u.id, u.text])).toEqual([
      [1, 'wat is dit'],
      [3, 'habari yako'],
    ])
    expect(selection.references).toEqual([{ utteranceId: 2, model: 'phones', reason: 'phones' }])

    // What a person typed from it is their transcript.
    expect(save('habari yako').status).toBe('corrected')
    const corrected = selectForExport(
      db,
      'research_release',
      { statuses: ['corrected'], sources: ['annotator'], languages: [] },
      now,
    )
    expect(corrected.utterances.map((u) => u.text)).toEqual(['habari yako'])
  })

  it('is what the label dialog and `sauti label` warn about, for the project’s languages', () => {
    const db = project()
    insertRows(db, 'project_meta', [{ key: 'default_language', value: 'en' }])
    expect(projectLanguages(db)).toEqual(['en', 'nl-BE', 'sw'])
    expect(languagesNotWritten({ unit: 'char', languages: ['nl'] }, projectLanguages(db))).toEqual([
      'en',
      'sw',
    ])
    expect(languagesNotWritten({ unit: 'phone', languages: ['nl'] }, ['nl'])).toEqual(['nl'])
    expect(languagesNotWritten({ unit: 'char', languages: [] }, ['sw'])).toEqual([])
    expect(notWrittenWarning('phone', ['nl'])).toMatch(
      /^this model does not write nl \(it writes phones\): its output will be shown as a phonetic reference/,
    )
    expect(notWrittenWarning('char', [])).toBeNull()
  })
})
