import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import { selectForExport } from '../../src/main/core/export/select'
import type { Workbench } from '../../src/main/core/workbench'
import type {
  Annotator,
  NoisyMark,
  ReviewQueuePage,
  SearchPage,
  UtteranceDetail,
  UtteranceReviewHistory,
} from '../../src/shared/domain'
import { insertRows, recordingRow } from '../support/db'
import { contractCalls, expectNoOpenWorkbenches, openTestWorkbench } from '../support/workbench'

/** "Noisy but usable": a clip transcribed and marked noisy at once (docs/ui.md). */
let wb: Workbench
let dispose: () => Promise<void>
let amina: Annotator
let baraka: Annotator
const { ok, refused } = contractCalls(() => wb)
const db = () => wb.project.db
const now = '2026-03-01T10:00:00.000Z'

const detail = (id: number, who = amina) =>
  ok<UtteranceDetail>('utterance.get', { id, actorId: who.id })
const mark = (id: number, noisy: boolean, who = amina) =>
  ok<{ noisy: NoisyMark | null }>('utterance.markNoisy', { id, actorId: who.id, noisy })
const searchIds = async (filter: object): Promise<number[]> =>
  (await ok<SearchPage>('search.utterances', { filter })).items.map((i) => i.utteranceId)

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('noisy'))
  amina = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  baraka = await ok<Annotator>('annotator.create', { name: 'Baraka', role: 'annotator' })
  db().transaction(() => {
    const consented = ensureSpeaker(db(), { code: 'SPK-A' }, now)
    for (const scope of ['annotation', 'model_training'] as const)
      recordConsent(db(), { speakerId: consented, scope, grantedAt: now }, now)
    const unconsented = ensureSpeaker(db(), { code: 'SPK-C' }, now)
    insertRows(db(), 'recording', [recordingRow('a'.repeat(64), 60)])
    for (const [i, speaker] of [consented, consented, unconsented].entries())
      insertRows(db(), 'utterance', [
        {
          recording_id: 1,
          start_sec: i * 5,
          end_sec: i * 5 + 4,
          speaker_id: speaker,
          language: 'sw',
          status: 'new',
          created_at: now,
        },
      ])
  })()
}, 60_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('noisy but usable', () => {
  it('keeps a clip transcribed and marked noisy, saying who marked it', async () => {
    const marked = await mark(1, true)
    expect(marked.noisy).toMatchObject({ by: 'Amina' })
    // The transcript is saved as any other: corrected, not set aside.
    const saved = await ok<{ status: string }>('utterance.save', {
      id: 1,
      actorId: amina.id,
      baseRevisionId: null,
      text: 'soko limejaa watu na kelele',
    })
    expect(saved.status).toBe('corrected')
    const d = await detail(1)
    expect(d.utterance).toMatchObject({ status: 'corrected', noisy: marked.noisy })
    expect(d.head!.text).toBe('soko limejaa watu na kelele')
    // The mark is not a revision of the transcript, and marking again keeps the first marker.
    expect(d.revisionCount).toBe(1)
    expect((await mark(1, true, baraka)).noisy).toEqual(marked.noisy)
  })

  it('takes the mark off, and refuses what any annotator write refuses', async () => {
    await mark(2, true)
    expect((await mark(2, false, baraka)).noisy).toBeNull()
    expect((await detail(2)).utterance.noisy).toBeNull()
    const noConsent = await refused('utterance.markNoisy', {
      id: 3,
      actorId: amina.id,
      noisy: true,
    })
    expect(noConsent.kind).toBe('forbidden')
    expect(noConsent.message).toMatch(/SPK-C has no valid consent to annotation/)
    const noProfile = await refused('utterance.markNoisy', { id: 1, actorId: 99, noisy: true })
    expect(noProfile).toMatchObject({
      kind: 'not_found',
      message: 'no annotator profile with id 99',
    })
  })

  it('is a filter and a badge in the data view', async () => {
    expect(await searchIds({ noisy: true })).toEqual([1])
    expect(await searchIds({ noisy: false })).toEqual([2])
    const hits = (await ok<SearchPage>('search.utterances', { filter: {} })).items
    expect(hits.map((h) => [h.utteranceId, h.noisy])).toEqual([
      [1, true],
      [2, false],
    ])
  })

  it('shows in review, beside a flag', async () => {
    await mark(2, true)
    await ok('utterance.save', {
      id: 2,
      actorId: amina.id,
      baseRevisionId: null,
      text: '',
      status: 'flagged',
      flagReason: 'overlap',
    })
    const queue = await ok<ReviewQueuePage>('review.queue', { reasons: ['flagged'] })
    expect(queue.items.map((i) => [i.utteranceId, i.flagReason, i.noisy])).toEqual([
      [2, 'overlap', true],
    ])
    const history = await ok<UtteranceReviewHistory>('review.history', { id: 1 })
    expect(history.noisy).toMatchObject({ by: 'Amina' })
  })

  it('goes out with the export selection, for the manifests to carry', () => {
    const selection = selectForExport(
      db(),
      'model_training',
      { statuses: ['corrected'], sources: ['annotator'], languages: [] },
      now,
    )
    expect(selection.utterances.map((u) => [u.id, u.noisy])).toEqual([[1, true]])
  })
})
