import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageQuery } from '../../src/main/core/annotate/queue'
import { ensureSpeaker, recordConsent } from '../../src/main/core/consent/speakers'
import { verifyChain } from '../../src/main/core/provenance/revisions'
import type { Workbench } from '../../src/main/core/workbench'
import type {
  AdjudicationResult,
  AdjudicationView,
  AgreementReport,
  Annotator,
  LanguageTokens,
  QueuePage,
  ReviewQueuePage,
  RevisionInfo,
  UtteranceDetail,
  UtteranceReviewHistory,
  UtteranceStatus,
} from '../../src/shared/domain'
import { align, errorRate } from '../../src/shared/metrics/errors'
import { normalizeChars } from '../../src/shared/text/normalize'
import { insertHypotheses, insertRows } from '../support/db'
import { contractCalls, expectNoOpenWorkbenches, openTestWorkbench } from '../support/workbench'

let wb: Workbench
let dispose: () => Promise<void>
let amina: Annotator
let baraka: Annotator
let rehema: Annotator
const db = () => wb.project.db
const now = '2026-03-01T10:00:00.000Z'
const hypothesis = 'mujhe kal office jaana hai'

const { ok, refused } = contractCalls(() => wb)

function seed(): void {
  insertRows(db(), 'recording', [
    {
      sha256: 'a'.repeat(64),
      original_name: 'visit.wav',
      source_path: '/visit.wav',
      format: 'wav',
      byte_size: 10,
      duration_sec: 20,
      sample_rate: 16000,
      channels: 1,
      imported_at: now,
    },
  ])
  insertRows(db(), 'model', [
    { sha256: 'c'.repeat(64), name: 'starter', path: '/m', manifest: '{}', registered_at: now },
  ])
  const speaker = ensureSpeaker(db(), { code: 'SPK-1' })
  recordConsent(db(), { speakerId: speaker, scope: 'annotation', grantedAt: now })
  const rows: [string, string][] = [
    ['hi', hypothesis],
    ['sw', 'habari yako'],
  ]
  rows.forEach(([language, text], i) => {
    insertRows(db(), 'utterance', [
      {
        recording_id: 1,
        start_sec: i * 4,
        end_sec: i * 4 + 3,
        speaker_id: speaker,
        language,
        status: 'pseudo',
        created_at: now,
      },
    ])
    insertHypotheses(db(), [
      {
        utterance_id: i + 1,
        model_id: 1,
        rank: 1,
        text,
        score: -1,
        confidence: 0.4,
        created_at: now,
      },
    ])
  })
}

const detail = (id: number, who: Annotator) =>
  ok<UtteranceDetail>('utterance.get', { id, actorId: who.id })

async function save(
  who: Annotator,
  id: number,
  text: string,
  spans: unknown[] = [],
): Promise<{ revision: RevisionInfo | null; status: UtteranceStatus }> {
  const d = await detail(id, who)
  return ok('utterance.save', {
    id,
    actorId: who.id,
    baseRevisionId: d.head?.id ?? null,
    text,
    spans,
  })
}

const todo = (who?: Annotator) =>
  ok<QueuePage>('queue.list', {
    order: 'file',
    filter: { status: ['new', 'pseudo'] },
    ...(who ? { actorId: who.id } : {}),
  })

let aminaRevision: number
let barakaRevision: number

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openTestWorkbench('adjudication'))
  seed()
  amina = await ok<Annotator>('annotator.create', { name: 'Amina', role: 'annotator' })
  baraka = await ok<Annotator>('annotator.create', { name: 'Baraka', role: 'annotator' })
  rehema = await ok<Annotator>('annotator.create', { name: 'Rehema', role: 'reviewer' })
  await ok('review.updateSettings', { doubleAnnotationShare: 1 })
}, 120_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('blind double annotation', () => {
  it("serves the second annotator the utterance without the first annotator's text", async () => {
    const first = await save(amina, 1, 'mujhe kal office jana hai', [
      { start: 2, end: 3, lang: 'en' },
    ])
    aminaRevision = first.revision!.id
    // The first version alone keeps the utterance in the other annotators' queues.
    expect(first.status).toBe('pseudo')
    expect((await detail(1, baraka)).head).toBeNull()
    expect((await detail(1, baraka)).hypotheses[0]!.text).toBe(hypothesis)
    for (const queue of [await todo(baraka), await todo()])
      expect(queue.items.find((i) => i.id === 1)).toMatchObject({ text: hypothesis })
    const tokens = await ok<LanguageTokens>('language.tokens', {
      utteranceId: 1,
      actorId: baraka.id,
    })
    expect(tokens.text).toBe(hypothesis)
    // Done for Amina, who sees her own version.
    expect((await todo(amina)).items.map((i) => i.id)).toEqual([2])
    expect((await detail(1, amina)).head).toMatchObject({ id: aminaRevision, annotator: 'Amina' })

    // Baraka saves on top of what he was shown: no conflict with a version he never saw.
    const second = await save(baraka, 1, 'mujhe kal ofis jaana hai')
    barakaRevision = second.revision!.id
    expect(second.status).toBe('corrected')
    expect((await detail(1, amina)).head!.id).toBe(aminaRevision)
    expect((await detail(1, baraka)).head!.id).toBe(barakaRevision)
  })

  it("keeps the queue's index walk when it serves one annotator", () => {
    const query = pageQuery(
      {
        order: 'confidence',
        descending: false,
        filter: { status: ['new', 'pseudo'] },
        offset: 0,
        limit: 50,
        counts: false,
        viewer: baraka.id,
      },
      now,
    )
    const plan = db().prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(query.params) as {
      id: number
      parent: number
      detail: string
    }[]
    const page = plan.find((r) => /^(CO-ROUTINE|MATERIALIZE) page/.test(r.detail))!
    const inner = plan.filter((r) => r.parent === page.id).map((r) => r.detail)
    expect(inner.join('\n')).toContain('USING INDEX utterance_queue_confidence')
    expect(inner.join('\n')).not.toContain('TEMP B-TREE')
  })

  it('measures agreement per annotator pair and language; identical versions settle by themselves', async () => {
    await save(amina, 2, 'habari yako')
    expect((await save(baraka, 2, 'Habari yako!')).status).toBe('corrected')
    const a = await ok<AgreementReport>('agreement.summary', {})
    expect(a).toMatchObject({ waiting: 0, pending: 1, agreed: 1, adjudicated: 0 })
    expect(a.pairs).toHaveLength(1)
    const pair = a.pairs[0]!
    // Amina (the lower id) is the reference: 2 of her 5 + 2 words differ.
    expect(pair).toMatchObject({
      reference: 'Amina',
      other: 'Baraka',
      utterances: 2,
      adjudicated: 0,
    })
    expect(pair.wer).toMatchObject({ n: 7, substitutions: 2, deletions: 0, insertions: 0 })
    expect(pair.wer.rate).toBeCloseTo(2 / 7, 12)
    const chars = ['mujhe kal office jana hai', 'habari yako'].map((t) => normalizeChars(t))
    const other = ['mujhe kal ofis jaana hai', 'Habari yako!'].map((t) => normalizeChars(t))
    const c = [align(chars[0]!, other[0]!), align(chars[1]!, other[1]!)]
    const errors = c.reduce((s, x) => s + x.substitutions + x.deletions + x.insertions, 0)
    expect(pair.cer.n).toBe(36)
    expect(pair.cer.rate).toBeCloseTo(errors / 36, 12)
    expect(errorRate(c[1]!)).toBe(0)
    expect(pair.byLanguage.map((l) => [l.lang, l.wer.n, l.wer.substitutions])).toEqual([
      ['en', 1, 1],
      ['hi', 4, 1],
      ['sw', 2, 0],
    ])
    expect(a.byAnnotator.map((x) => [x.annotator, x.utterances, x.vsAdjudicated])).toEqual([
      ['Amina', 2, null],
      ['Baraka', 2, null],
    ])
    // The settled utterance is an ordinary one again: everyone sees its newest text.
    expect((await detail(2, amina)).head!.text).toBe('Habari yako!')
  })
})

describe('adjudication', () => {
  let result: AdjudicationResult

  it("aligns both versions word by word with the model's best hypothesis", async () => {
    const view = await ok<AdjudicationView>('adjudication.get', { id: 1 })
    expect(view).toMatchObject({
      headRevisionId: barakaRevision,
      a: { revisionId: aminaRevision, annotator: 'Amina' },
      b: { revisionId: barakaRevision, annotator: 'Baraka' },
      hypothesis: { text: hypothesis, modelName: 'starter' },
      agreement: { wer: 0.4 },
    })
    expect(view.columns.map((c) => [c.a, c.b, c.model, c.agree, c.aLang])).toEqual([
      ['mujhe', 'mujhe', 'mujhe', true, null],
      ['kal', 'kal', 'kal', true, null],
      ['office', 'ofis', 'office', false, 'en'],
      ['jana', 'jaana', 'jaana', false, null],
      ['hai', 'hai', 'hai', true, null],
    ])
  })

  it('refuses to decide for the reviewer where the versions differ', async () => {
    const error = await refused('adjudication.resolve', {
      id: 1,
      actorId: rehema.id,
      aRevisionId: aminaRevision,
      bRevisionId: barakaRevision,
      choices: [{ column: 2, take: 'a' }],
    })
    expect(error.kind).toBe('validation')
    expect(error.message).toMatch(/still open: 3$/)
    const annotator = await refused('adjudication.resolve', {
      id: 1,
      actorId: amina.id,
      aRevisionId: aminaRevision,
      bRevisionId: barakaRevision,
      choices: [],
    })
    expect(annotator.kind).toBe('forbidden')
  })

  it('stores the per-word choices and edits as the approved revision with both parents', async () => {
    result = await ok<AdjudicationResult>('adjudication.resolve', {
      id: 1,
      actorId: rehema.id,
      aRevisionId: aminaRevision,
      bRevisionId: barakaRevision,
      choices: [
        { column: 2, take: 'model' },
        { column: 3, take: 'b' },
        { column: 4, text: 'hai!' },
      ],
      comment: 'office is English; jaana',
    })
    expect(result).toMatchObject({
      status: 'reviewed',
      revision: {
        text: 'mujhe kal office jaana hai!',
        spans: [{ start: 2, end: 3, lang: 'en' }],
        annotator: 'Rehema',
        parentId: barakaRevision,
        mergeParentId: aminaRevision,
      },
      review: { verdict: 'approve', reviewer: 'Rehema', comment: 'office is English; jaana' },
    })
    expect(verifyChain(db(), 1)).toEqual({ ok: true })
    const history = await ok<UtteranceReviewHistory>('review.history', { id: 1 })
    expect(history.revisions.at(-1)).toMatchObject({
      id: result.revision.id,
      parentId: barakaRevision,
      mergeParentId: aminaRevision,
    })
    expect(history.doubleAnnotation).toMatchObject({
      annotators: ['Amina', 'Baraka'],
      adjudicatedRevisionId: result.revision.id,
    })
    // Adjudicated: an ordinary utterance again, the result shown to everyone.
    expect((await detail(1, amina)).head!.id).toBe(result.revision.id)
    expect((await refused('adjudication.get', { id: 1 })).kind).toBe('not_found')
  })

  it('updates the agreement figures', async () => {
    const a = await ok<AgreementReport>('agreement.summary', {})
    expect(a).toMatchObject({ waiting: 0, pending: 0, agreed: 1, adjudicated: 1 })
    expect(a.pairs[0]).toMatchObject({
      utterances: 2,
      adjudicated: 1,
      wer: { n: 7, substitutions: 2 },
    })
    // Against the result: Amina's "jana" and Baraka's "ofis" are each one error in five words.
    expect(
      a.byAnnotator.map((x) => [x.annotator, x.vsAdjudicated?.n, x.vsAdjudicated?.rate]),
    ).toEqual([
      ['Amina', 5, 0.2],
      ['Baraka', 5, 0.2],
    ])
  })

  it('detects a second parent relinked behind the application’s back', () => {
    db().exec('DROP TRIGGER revision_is_append_only_update')
    db()
      .prepare('UPDATE revision SET merge_parent_id = ? WHERE id = ?')
      .run(barakaRevision, result.revision.id)
    expect(verifyChain(db(), 1)).toEqual({ ok: false, revisionId: result.revision.id })
  })
})

describe('language tags in agreement', () => {
  const utterance = (id: number, text: string): void => {
    insertRows(db(), 'utterance', [
      {
        recording_id: 1,
        start_sec: id * 4,
        end_sec: id * 4 + 3,
        speaker_id: 1,
        language: 'sw',
        status: 'pseudo',
        created_at: now,
      },
    ])
    insertHypotheses(db(), [
      { utterance_id: id, model_id: 1, rank: 1, text, score: -1, confidence: 0.4, created_at: now },
    ])
  }

  it('sends the same words tagged with other languages to adjudication', async () => {
    utterance(3, 'nitaenda market kesho')
    await save(amina, 3, 'nitaenda market kesho', [{ start: 1, end: 2, lang: 'en' }])
    // Baraka leaves "market" untagged: in the utterance's language, Swahili.
    expect((await save(baraka, 3, 'nitaenda market kesho')).status).toBe('corrected')

    const queue = await ok<ReviewQueuePage>('review.queue', { reasons: ['low_agreement'] })
    expect(queue.items.find((i) => i.utteranceId === 3)).toMatchObject({
      agreementWer: 0,
      agreementTags: 1 / 3,
    })
    const view = await ok<AdjudicationView>('adjudication.get', { id: 3 })
    expect(view.agreement).toMatchObject({ wer: 0, tags: 1 / 3 })
    // The word both wrote but tagged apart is the reviewer's to decide, language and all.
    expect(view.columns.map((c) => [c.a, c.aLang, c.bLang, c.agree])).toEqual([
      ['nitaenda', null, null, true],
      ['market', 'en', null, false],
      ['kesho', null, null, true],
    ])
    const a = await ok<AgreementReport>('agreement.summary', {})
    expect(a).toMatchObject({ pending: 1, agreed: 1 })
    // Utterances 1 and 2 share 3 and 2 words, tagged alike; utterance 3 shares 3, one tagged apart.
    expect(a.pairs[0]!.tags).toEqual({ compared: 8, differing: 1, rate: 1 / 8 })
    expect(a.pairs[0]!.wer.substitutions).toBe(2)
  })

  it("counts a word tagged with the utterance's own language as untagged", async () => {
    utterance(4, 'habari za asubuhi')
    await save(amina, 4, 'habari za asubuhi')
    const second = await save(baraka, 4, 'habari za asubuhi', [{ start: 0, end: 3, lang: 'sw' }])
    expect(second.status).toBe('corrected')
    const a = await ok<AgreementReport>('agreement.summary', {})
    expect(a).toMatchObject({ pending: 1, agreed: 2 })
    expect(a.pairs[0]!.tags).toEqual({ compared: 11, differing: 1, rate: 1 / 11 })
  })
})
