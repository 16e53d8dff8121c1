import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import { verifyChain } from '../../src/main/core/provenance/revisions'
import { reviewQueueSql } from '../../src/main/core/review/queue'
import { inSample } from '../../src/main/core/review/sample'
import type { Workbench } from '../../src/main/core/workbench'
import type {
  Annotator,
  LanguageTokens,
  ReviewQueuePage,
  ReviewVerdict,
  RevisionInfo,
  UtteranceDetail,
  UtteranceReviewHistory,
  UtteranceStatus,
} from '../../src/shared/domain'
import { insertHypotheses, insertRows } from '../support/db'
import { contractCalls, expectNoOpenWorkbenches, openTestWorkbench } from '../support/workbench'

let wb: Workbench
let dispose: () => Promise<void>
let amina: Annotator
let baraka: Annotator
let rehema: Annotator
const db = () => wb.project.db
const now = '2026-03-01T10:00:00.000Z'

const { ok, refused } = contractCalls(() => wb)

/** Twelve consented utterances, each with a model hypothesis (status pseudo). */
function seed(): void {
  insertRows(db(), 'recording', [
    {
      sha256: 'a'.repeat(64),
      original_name: 'visit.wav',
      source_path: '/visit.wav',
      format: 'wav',
      byte_size: 10,
      duration_sec: 60,
      sample_rate: 16000,
      channels: 1,
      imported_at: now,
    },
  ])
  insertRows(db(), 'model', [
    { sha256: 'c'.repeat(64), name: 'starter', path: '/m', manifest: '{}', registered_at: now },
  ])
  const speaker = ensureSpeaker(db(), { code: 'SPK-1', dialect: 'coastal' })
  recordConsent(db(), { speakerId: speaker, scope: 'annotation', grantedAt: now })
  for (let i = 0; i < 12; i++) {
    insertRows(db(), 'utterance', [
      {
        recording_id: 1,
        start_sec: i * 4,
        end_sec: i * 4 + 3,
        speaker_id: speaker,
        language: 'sw',
        status: 'pseudo',
        created_at: now,
      },
    ])
    insertHypotheses(db(), [
      {
        utterance_id: i + 1,
        model_id: 1,
        rank: 1,
        text: `habari ya asubuhi ${i}`,
        score: -1,
        confidence: 0.5,
        created_at: now,
      },
    ])
  }
}

async function save(
  annotator: Annotator,
  id: number,
  text: string,
  status: 'corrected' | 'flagged' = 'corrected',
): Promise<{ revision: RevisionInfo | null; status: UtteranceStatus }> {
  const detail = await ok<UtteranceDetail>('utterance.get', { id, actorId: annotator.id })
  return ok('utterance.save', {
    id,
    actorId: annotator.id,
    baseRevisionId: detail.head?.id ?? null,
    text,
    status,
    ...(status === 'flagged' ? { flagReason: 'noise' } : {}),
  })
}

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('review'))
  seed()
  amina = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  baraka = await ok<Annotator>('annotator.create', { name: 'Baraka', role: 'annotator' })
  rehema = await ok<Annotator>('annotator.create', { name: 'Rehema', role: 'reviewer' })
  await ok('review.updateSettings', { reviewShare: 0.5, seed: 0, doubleAnnotationShare: 0 })
  for (let id = 1; id <= 10; id++) await save(amina, id, `habari ya asubuhi mwalimu ${id}`)
  await save(amina, 11, 'habari ya asubuhi 10', 'flagged')
  // Utterance 12 goes to both annotators, blind, and they disagree.
  await ok('review.updateSettings', { doubleAnnotationShare: 1 })
  await save(amina, 12, 'habari ya asubuhi mwalimu')
  await save(baraka, 12, 'habari za asubuhi walimu')
  await ok('review.updateSettings', { doubleAnnotationShare: 0 })
}, 120_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('the needs-review queue', () => {
  it('holds flagged utterances, disagreeing double annotations and a deterministic sample of accepted work', async () => {
    const queue = await ok<ReviewQueuePage>('review.queue', {})
    const sampled = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((id) => inSample(id, 0.5, 0, 'review'))
    // Half of the accepted work, give or take one: the sample is low-discrepancy, not random.
    expect(sampled.length).toBeGreaterThanOrEqual(4)
    expect(sampled.length).toBeLessThanOrEqual(6)
    expect(queue.items.map((i) => [i.utteranceId, i.reason])).toEqual([
      [11, 'flagged'],
      [12, 'low_agreement'],
      ...sampled.map((id) => [id, 'sampled']),
    ])
    expect(queue.total).toBe(2 + sampled.length)
    const disagreement = queue.items.find((i) => i.reason === 'low_agreement')!
    // "habari za asubuhi walimu" against "habari ya asubuhi mwalimu": 2 of 4 words.
    expect(disagreement.agreementWer).toBe(0.5)
    expect(queue.items[0]).toMatchObject({ flagReason: 'noise', speakerCode: 'SPK-1' })
    // The same sample every time, and another seed draws another.
    expect((await ok<ReviewQueuePage>('review.queue', {})).items).toEqual(queue.items)
    await ok('review.updateSettings', { seed: 7 })
    const reseeded = await ok<ReviewQueuePage>('review.queue', { reasons: ['sampled'] })
    expect(reseeded.items.map((i) => i.utteranceId)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter((id) => inSample(id, 0.5, 7, 'review')),
    )
    await ok('review.updateSettings', { seed: 0 })
    // Above the agreement threshold it no longer needs adjudication.
    await ok('review.updateSettings', { lowAgreementWer: 0.5 })
    const tolerant = await ok<ReviewQueuePage>('review.queue', { reasons: ['low_agreement'] })
    expect(tolerant.total).toBe(0)
    await ok('review.updateSettings', { lowAgreementWer: 0 })
  })

  it('walks the status and double-annotation indexes, never every utterance', () => {
    const q = reviewQueueSql(db(), ['flagged', 'low_agreement', 'sampled'], now)
    const plan = (
      db().prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(q.params) as { detail: string }[]
    ).map((r) => r.detail)
    expect(plan.join('\n')).toMatch(/SEARCH u USING INDEX utterance_by_status \(status=\?\)/)
    expect(plan.join('\n')).toMatch(/SEARCH d USING INDEX double_annotation_apart \(<expr>>\?\)/)
    expect(plan.filter((d) => /^SCAN (u|d)\b/.test(d))).toEqual([])
  })
})

describe('review decisions', () => {
  it('approves a revision with a comment: the utterance becomes reviewed and leaves the queue', async () => {
    const first = (await ok<ReviewQueuePage>('review.queue', { reasons: ['sampled'] })).items[0]!
    const decided = await ok<{ review: ReviewVerdict; status: UtteranceStatus }>('review.decide', {
      revisionId: first.revisionId,
      actorId: rehema.id,
      verdict: 'approve',
      comment: 'clean',
    })
    expect(decided.status).toBe('reviewed')
    expect(decided.review).toMatchObject({
      revisionId: first.revisionId,
      reviewer: 'Rehema',
      verdict: 'approve',
      comment: 'clean',
    })
    expect(db().prepare('SELECT * FROM review WHERE id = ?').get(decided.review.id)).toMatchObject({
      revision_id: first.revisionId,
      reviewer_id: rehema.id,
      verdict: 'approve',
      comment: 'clean',
    })
    const after = await ok<ReviewQueuePage>('review.queue', { reasons: ['sampled'] })
    expect(after.items.map((i) => i.utteranceId)).not.toContain(first.utteranceId)
  })

  it('rejects with a comment: back to the annotators, the comment in the history', async () => {
    const next = (await ok<ReviewQueuePage>('review.queue', { reasons: ['sampled'] })).items[0]!
    const decided = await ok<{ status: UtteranceStatus }>('review.decide', {
      revisionId: next.revisionId,
      actorId: rehema.id,
      verdict: 'reject',
      comment: '"mwalimu" is not said',
    })
    expect(decided.status).toBe('pseudo')
    const history = await ok<UtteranceReviewHistory>('review.history', { id: next.utteranceId })
    const reviewed = history.revisions.find((r) => r.id === next.revisionId)!
    expect(reviewed.reviews).toMatchObject([
      { verdict: 'reject', reviewer: 'Rehema', comment: '"mwalimu" is not said' },
    ])
    expect(history).toMatchObject({ status: 'pseudo', chain: { ok: true, brokenAt: null } })
    expect(reviewed.tokens[0]).toEqual({ token: 'habari', script: 'Latin' })
  })

  it('refuses verdicts from annotators, on drafts and on blind double annotations', async () => {
    const head = (await ok<UtteranceReviewHistory>('review.history', { id: 3 })).revisions.at(-1)!
    expect(
      (
        await refused('review.decide', {
          revisionId: head.id,
          actorId: amina.id,
          verdict: 'approve',
        })
      ).kind,
    ).toBe('forbidden')
    const blind = (await ok<UtteranceReviewHistory>('review.history', { id: 12 })).revisions.at(-1)!
    const error = await refused('review.decide', {
      revisionId: blind.id,
      actorId: rehema.id,
      verdict: 'approve',
    })
    expect(error).toMatchObject({ kind: 'conflict' })
    expect(error.message).toMatch(/adjudicate/)
  })

  it("stores a reviewer's edit as a new revision with the reviewer as its source", async () => {
    const before = await ok<UtteranceReviewHistory>('review.history', { id: 11 })
    const edited = await ok<{ revision: RevisionInfo; review: ReviewVerdict; status: string }>(
      'review.edit',
      {
        id: 11,
        actorId: rehema.id,
        baseRevisionId: before.revisions.at(-1)?.id ?? null,
        text: 'habari ya asubuhi  office',
        spans: [{ start: 3, end: 4, lang: 'en' }],
        comment: 'audible after all',
      },
    )
    expect(edited).toMatchObject({
      status: 'reviewed',
      revision: { text: 'habari ya asubuhi office', annotator: 'Rehema', sourceKind: 'annotator' },
      review: { verdict: 'approve', comment: 'audible after all' },
    })
    const history = await ok<UtteranceReviewHistory>('review.history', { id: 11 })
    const last = history.revisions.at(-1)!
    expect(last).toMatchObject({
      id: edited.revision.id,
      annotator: 'Rehema',
      annotatorRole: 'reviewer',
      parentId: before.revisions.at(-1)?.id ?? null,
      mergeParentId: null,
    })
    expect(verifyChain(db(), 11)).toEqual({ ok: true })
    // An edit on top of a stale revision is refused, not written over.
    expect(
      (
        await refused('review.edit', {
          id: 11,
          actorId: rehema.id,
          baseRevisionId: before.revisions.at(-1)?.id ?? null,
          text: 'x',
        })
      ).kind,
    ).toBe('conflict')
  })
})

describe('language and normalisation', () => {
  it("stores the canonical spelling under the project's rules and searches and scores with all of them", async () => {
    expect(await ok('normalization.get', {})).toMatchObject({ nukta: 'keep', caseFold: true })
    await ok('normalization.update', { nukta: 'unify', joiners: 'remove' })
    // A nukta typed after the vowel sign (क ि ़) is stored on its consonant; case stays as typed.
    const saved = await save(amina, 9, 'Mujhe कि\u093C office\u200d')
    expect(saved.revision!.text).toBe('Mujhe क\u093Cि office')
    const refusedRule = await refused('normalization.update', { nukta: 'sometimes' })
    expect(refusedRule.kind).toBe('validation')
    // A rule left out of an update stays as it was.
    await ok('normalization.update', { caseFold: false })
    expect(await ok('normalization.update', { numerals: 'ascii' })).toMatchObject({
      nukta: 'unify',
      joiners: 'remove',
      caseFold: false,
      numerals: 'ascii',
    })
    await ok('normalization.update', { caseFold: true, numerals: 'keep' })
  })

  it('gives each word its script and tag, and suggests languages only with enough evidence', async () => {
    // One tagged revision is too little to go on: nothing is suggested by n-grams yet.
    const first = await ok<UtteranceDetail>('utterance.get', { id: 4, actorId: amina.id })
    await ok('utterance.save', {
      id: 4,
      actorId: amina.id,
      baseRevisionId: first.head?.id ?? null,
      text: 'habari ya leo meeting office asubuhi',
      spans: [{ start: 3, end: 5, lang: 'en' }],
    })
    const early = await ok<LanguageTokens>('language.tokens', { text: 'office habari', spans: [] })
    expect(early.tokens.map((t) => t.suggestion)).toEqual([null, null])
    // Tagged revisions teach the identifier: English words in spans, Swahili around them.
    for (let id = 4; id <= 8; id++) {
      const detail = await ok<UtteranceDetail>('utterance.get', { id, actorId: amina.id })
      await ok('utterance.save', {
        id,
        actorId: amina.id,
        baseRevisionId: detail.head?.id ?? null,
        text: 'habari ya leo tunakutana asubuhi sana kwenye ofisi meeting office computer keyboard printer download नमस्ते',
        spans: [
          { start: 8, end: 14, lang: 'en' },
          { start: 14, end: 15, lang: 'hi' },
        ],
      })
    }
    const tokens = await ok<LanguageTokens>('language.tokens', {
      text: 'office ऑफिस habari',
      spans: [{ start: 2, end: 3, lang: 'sw' }],
    })
    expect(tokens.tokens.map((t) => [t.token, t.script, t.lang])).toEqual([
      ['office', 'Latin', null],
      ['ऑफिस', 'Devanagari', null],
      ['habari', 'Latin', 'sw'],
    ])
    // Latin is shared by English and Swahili: the n-grams decide. Only Hindi was tagged in
    // Devanagari: the script decides.
    expect(tokens.tokens[0]!.suggestion).toMatchObject({ lang: 'en', by: 'ngram' })
    expect(tokens.tokens[1]!.suggestion).toEqual({ lang: 'hi', score: 1, by: 'script' })
    expect(tokens.tokens[2]!.suggestion).toBeNull()
    // Five tagged revisions here and the reviewer's edit of utterance 11.
    expect(tokens.identifier).toMatchObject({
      trainedOnRevisions: 6,
      languages: ['en', 'hi', 'sw'],
    })
    // Cached: one more tagged revision does not retrain it.
    const ten = await ok<UtteranceDetail>('utterance.get', { id: 10, actorId: amina.id })
    await ok('utterance.save', {
      id: 10,
      actorId: amina.id,
      baseRevisionId: ten.head!.id,
      text: 'office',
      spans: [{ start: 0, end: 1, lang: 'en' }],
    })
    const again = await ok<LanguageTokens>('language.tokens', {
      utteranceId: 10,
      actorId: amina.id,
    })
    expect(again.identifier).toEqual(tokens.identifier)
    expect(again.tokens).toMatchObject([{ token: 'office', script: 'Latin', lang: 'en' }])
  })
})
