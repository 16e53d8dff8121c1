import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveUtterance } from '../../src/main/core/annotate/editor'
import { pageQuery } from '../../src/main/core/annotate/queue'
import { verifyChain } from '../../src/main/core/provenance/revisions'
import type { Workbench } from '../../src/main/core/workbench'
import type {
  Annotator,
  QueuePage,
  RevisionInfo,
  UtteranceDetail,
  UtteranceStatus,
} from '../../src/shared/domain'
import { contractCalls, expectNoOpenWorkbenches, openDemoWorkbench } from '../support/workbench'

let wb: Workbench
let dispose: () => Promise<void>
let annotator: Annotator

const { ok, refused } = contractCalls(() => wb)
const db = () => wb.project.db

/** Every page of the queue, fetched the way the virtualised list does. */
async function wholeQueue(input: Record<string, unknown>, pageSize = 7): Promise<QueuePage> {
  const first = await ok<QueuePage>('queue.list', { ...input, offset: 0, limit: pageSize })
  const items = [...first.items]
  const total = first.total!
  while (items.length < total) {
    const page = await ok<QueuePage>('queue.list', {
      ...input,
      offset: items.length,
      limit: pageSize,
      counts: false,
    })
    // Later pages skip the counting: the list has them from the first.
    expect(page.total).toBeNull()
    if (page.items.length === 0) break
    items.push(...page.items)
  }
  return { ...first, items }
}

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openDemoWorkbench())
  annotator = await ok<Annotator>('annotator.create', {
    name: 'Amina',
    role: 'annotator',
    languages: ['sw', 'en'],
  })
}, 240_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('the queue', () => {
  it('serves every consented utterance least confident first, in the store’s order', async () => {
    const queue = await wholeQueue({})
    const expected = db()
      .prepare(
        `SELECT id, confidence FROM utterance WHERE merged_into IS NULL
         ORDER BY confidence IS NULL, confidence, id`,
      )
      .all() as { id: number; confidence: number | null }[]
    // Every demo speaker consented to annotation, and the long recording's segments carry its speaker.
    expect(queue.withoutConsent).toBe(0)
    expect(queue.total).toBe(expected.length)
    expect(queue.items.map((i) => i.id)).toEqual(expected.map((e) => e.id))
    const confidences = queue.items.map((i) => i.confidence)
    expect(confidences.every((c) => c !== null)).toBe(true)
    expect(confidences).toEqual([...confidences].sort((a, b) => a! - b!))
    // The segments of the long field recording are in the queue too.
    expect(queue.items.some((i) => i.recordingName.includes('long'))).toBe(true)
  })

  it('walks the order’s own index for a page, even with the default to-do filter, instead of sorting', () => {
    for (const [order, index] of [
      ['confidence', 'utterance_queue_confidence'],
      ['file', 'utterance_by_recording'],
      ['duration', 'utterance_queue_duration'],
      ['speaker', 'utterance_queue_speaker'],
      ['priority', 'utterance_queue_priority'],
    ] as const) {
      const query = pageQuery(
        {
          order,
          descending: false,
          filter: { status: ['new', 'pseudo'], languages: ['sw'] },
          offset: 0,
          limit: 50,
          counts: false,
          // Rows a list keeps above the open one do not change the plan.
          exclude: [1, 2, 3],
        },
        new Date().toISOString(),
      )
      const plan = db().prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(query.params) as {
        id: number
        parent: number
        detail: string
      }[]
      // The ranking subquery: the order's index, no sort of every matching utterance.
      const page = plan.find((r) => /^(CO-ROUTINE|MATERIALIZE) page/.test(r.detail))!
      const inner = plan.filter((r) => r.parent === page.id).map((r) => r.detail)
      expect(inner.join('\n'), order).toContain(`USING INDEX ${index}`)
      expect(inner.join('\n'), order).not.toContain('TEMP B-TREE')
      // The page's rows are joined by id, not by walking the utterances again.
      expect(plan.map((r) => r.detail)).toContain('SCAN page')
    }
  })

  it('narrows by status, speaker, language, confidence and hypothesis, with matching counts', async () => {
    const all = await wholeQueue({ order: 'file' })
    const cases: [Record<string, unknown>, (i: QueuePage['items'][number]) => boolean][] = [
      [{ speakers: ['SPK-SW-01'] }, (i) => i.speakerCode === 'SPK-SW-01'],
      [{ languages: ['hi-en'] }, (i) => i.language === 'hi-en'],
      [{ status: ['pseudo'] }, (i) => i.status === 'pseudo'],
      [
        { minConfidence: 0.2, maxConfidence: 0.6 },
        (i) => i.confidence! >= 0.2 && i.confidence! <= 0.6,
      ],
      [{ hasHypothesis: false }, (i) => i.confidence === null],
      [
        { languages: ['sw'], speakers: ['SPK-SW-02', 'SPK-SW-03'] },
        (i) => i.language === 'sw' && ['SPK-SW-02', 'SPK-SW-03'].includes(i.speakerCode!),
      ],
    ]
    for (const [filter, keep] of cases) {
      const narrowed = await wholeQueue({ order: 'file', filter })
      const expected = all.items.filter(keep).map((i) => i.id)
      expect(
        narrowed.items.map((i) => i.id),
        JSON.stringify(filter),
      ).toEqual(expected)
      expect(narrowed.total).toBe(expected.length)
    }
    const facets = await ok<{ speakers: { code: string; count: number }[] }>('queue.facets', {})
    const sw01 = facets.speakers.find((s) => s.code === 'SPK-SW-01')!
    expect(sw01.count).toBe(all.items.filter((i) => i.speakerCode === 'SPK-SW-01').length)
  })

  it('ranks below the rows a list keeps: they are left out of the ranking and the counts', async () => {
    const all = await wholeQueue({ order: 'confidence' })
    // The list keeps its first three rows and a later one (say, one saved further down).
    const kept = [all.items[0]!.id, all.items[1]!.id, all.items[2]!.id, all.items[9]!.id]
    const below = await wholeQueue({ order: 'confidence', exclude: kept })
    expect(below.total).toBe(all.total! - kept.length)
    expect(below.items.map((i) => i.id)).toEqual(
      all.items.map((i) => i.id).filter((id) => !kept.includes(id)),
    )
    const tooMany = await refused('queue.list', {
      exclude: Array.from({ length: 20_001 }, (_, i) => i + 1),
    })
    expect(tooMany.kind).toBe('validation')
  })

  it('leaves out speakers whose consent to annotation was withdrawn, and refuses to open them', async () => {
    const before = await ok<QueuePage>('queue.list', { limit: 1000 })
    const speaker = db().prepare("SELECT id FROM speaker WHERE code = 'SPK-HI-01'").get() as {
      id: number
    }
    const theirs = before.items.filter((i) => i.speakerCode === 'SPK-HI-01')
    expect(theirs.length).toBeGreaterThan(0)
    db()
      .prepare("UPDATE consent SET withdrawn_at = ? WHERE speaker_id = ? AND scope = 'annotation'")
      .run(new Date().toISOString(), speaker.id)
    try {
      const after = await ok<QueuePage>('queue.list', { limit: 1000 })
      expect(after.total).toBe(before.total! - theirs.length)
      expect(after.withoutConsent).toBe(theirs.length)
      expect(after.items.some((i) => i.speakerCode === 'SPK-HI-01')).toBe(false)
      const error = await refused('utterance.get', { id: theirs[0]!.id })
      expect(error.kind).toBe('forbidden')
      expect(error.message).toMatch(/SPK-HI-01.*consent.*withdrawn/)
    } finally {
      db()
        .prepare(
          "UPDATE consent SET withdrawn_at = NULL WHERE speaker_id = ? AND scope = 'annotation'",
        )
        .run(speaker.id)
    }
  })
})

describe('the editor', () => {
  async function labelled(): Promise<UtteranceDetail> {
    const queue = await ok<QueuePage>('queue.list', { filter: { status: ['pseudo'] }, limit: 1 })
    return ok<UtteranceDetail>('utterance.get', { id: queue.items[0]!.id })
  }

  it('opens an utterance with its N-best, word confidences and times, speaker and consent', async () => {
    const detail = await labelled()
    expect(detail.hypotheses.length).toBeGreaterThan(1)
    expect(detail.hypotheses.map((h) => h.rank)).toEqual(detail.hypotheses.map((_, i) => i + 1))
    const best = detail.hypotheses[0]!
    const words = best.text.split(' ').filter(Boolean)
    expect(best.wordConfidences).toHaveLength(words.length)
    expect(best.wordTimes).toHaveLength(words.length)
    // Word times are in recording time, inside the utterance.
    for (const t of best.wordTimes) {
      expect(t.start).toBeGreaterThanOrEqual(detail.utterance.startSec - 0.05)
      expect(t.end).toBeLessThanOrEqual(detail.utterance.endSec + 0.05)
    }
    expect(detail.utterance.confidence).toBe(best.confidence)
    expect(detail.speaker?.annotationConsent).toBe('granted')
  })

  it('autosaves drafts without deciding, then saves a correction with its parent hypothesis and spans', async () => {
    const detail = await labelled()
    const pick = detail.hypotheses[1]!
    const draft = await ok<{ revision: RevisionInfo; status: UtteranceStatus }>('utterance.save', {
      id: detail.utterance.id,
      actorId: annotator.id,
      baseRevisionId: detail.head?.id ?? null,
      hypothesisId: pick.id,
      text: `${pick.text} hii`,
      draft: true,
    })
    expect(draft.status).toBe('pseudo')
    expect(draft.revision).toMatchObject({ draft: true, annotator: 'Amina', hypothesisId: pick.id })
    // Nothing changed since: a second autosave appends nothing.
    const same = await ok<{ revision: RevisionInfo | null }>('utterance.save', {
      id: detail.utterance.id,
      actorId: annotator.id,
      baseRevisionId: draft.revision.id,
      hypothesisId: pick.id,
      text: `${pick.text}   hii `,
      draft: true,
    })
    expect(same.revision).toBeNull()
    const text = 'habari yako my friend'
    const final = await ok<{ revision: RevisionInfo; status: UtteranceStatus }>('utterance.save', {
      id: detail.utterance.id,
      actorId: annotator.id,
      baseRevisionId: draft.revision.id,
      hypothesisId: pick.id,
      text,
      spans: [{ start: 2, end: 4, lang: 'en' }],
    })
    expect(final.status).toBe('corrected')
    expect(final.revision).toMatchObject({
      text,
      draft: false,
      spans: [{ start: 2, end: 4, lang: 'en' }],
    })
    const stored = db()
      .prepare(
        'SELECT parent_id, annotator_id, hypothesis_id, source_kind FROM revision WHERE id = ?',
      )
      .get(final.revision.id)
    expect(stored).toEqual({
      parent_id: draft.revision.id,
      annotator_id: annotator.id,
      hypothesis_id: pick.id,
      source_kind: 'annotator',
    })
    expect(verifyChain(db(), detail.utterance.id)).toEqual({ ok: true })
    // It left the to-do queue and counts as corrected.
    const summary = await ok<{ correctedCount: number }>('project.summary', {})
    expect(summary.correctedCount).toBeGreaterThanOrEqual(1)
  })

  it('refuses a save made on top of an older revision and names who saved in between', async () => {
    const detail = await labelled()
    const other = await ok<Annotator>('annotator.create', { name: 'Baraka' })
    const first = await ok<{ revision: RevisionInfo }>('utterance.save', {
      id: detail.utterance.id,
      actorId: other.id,
      baseRevisionId: detail.head?.id ?? null,
      text: 'from the other window',
    })
    const error = await refused('utterance.save', {
      id: detail.utterance.id,
      actorId: annotator.id,
      baseRevisionId: detail.head?.id ?? null,
      text: 'from this window',
    })
    expect(error.kind).toBe('conflict')
    expect(error.message).toMatch(/Baraka/)
    expect((error.details?.head as RevisionInfo).id).toBe(first.revision.id)
    const texts = db()
      .prepare('SELECT text FROM revision WHERE utterance_id = ? ORDER BY id')
      .all(detail.utterance.id) as { text: string }[]
    expect(texts.map((t) => t.text)).toEqual(['from the other window'])
  })

  it('takes a decided utterance out of the "most useful first" order in the save itself', async () => {
    const detail = await labelled()
    db()
      .prepare('UPDATE utterance SET priority = 1, priority_reason = ? WHERE id = ?')
      .run(JSON.stringify({ kind: 'uncertain' }), detail.utterance.id)
    // The service alone, without the call around it: the ranking goes in the same transaction.
    saveUtterance(db(), {
      id: detail.utterance.id,
      actorId: annotator.id,
      baseRevisionId: detail.head?.id ?? null,
      hypothesisId: null,
      text: 'imeamuliwa',
      spans: [],
      draft: false,
      status: 'corrected',
    })
    expect(
      db()
        .prepare('SELECT priority, priority_reason FROM utterance WHERE id = ?')
        .get(detail.utterance.id),
    ).toEqual({ priority: null, priority_reason: null })
  })

  it('flags with a reason and skips; spans beyond the text are refused', async () => {
    const detail = await labelled()
    const base = { id: detail.utterance.id, actorId: annotator.id, baseRevisionId: null }
    expect((await refused('utterance.save', { ...base, text: 'x', status: 'flagged' })).kind).toBe(
      'validation',
    )
    const bad = await refused('utterance.save', {
      ...base,
      text: 'two words',
      spans: [{ start: 1, end: 3, lang: 'en' }],
    })
    expect(bad.message).toMatch(/ends at word 3.*2 words/)
    const flagged = await ok<{ status: UtteranceStatus; revision: RevisionInfo | null }>(
      'utterance.save',
      { ...base, text: '', status: 'flagged', flagReason: 'overlap' },
    )
    expect(flagged).toEqual({ status: 'flagged', revision: null })
    const reopened = await ok<UtteranceDetail>('utterance.get', { id: detail.utterance.id })
    expect(reopened.utterance.flagReason).toBe('overlap')
  })
})

describe('boundaries', () => {
  async function longSegments(): Promise<UtteranceDetail[]> {
    const ids = db()
      .prepare(
        `SELECT u.id FROM utterance u JOIN recording r ON r.id = u.recording_id
         WHERE r.original_name LIKE '%long%' AND u.merged_into IS NULL ORDER BY u.start_sec`,
      )
      .all() as { id: number }[]
    return Promise.all(ids.map((r) => ok<UtteranceDetail>('utterance.get', { id: r.id })))
  }

  it('splits an utterance in two and merges it back, keeping both histories', async () => {
    const [first, second] = await longSegments()
    expect(first!.nextId).toBe(second!.utterance.id)
    const { startSec, endSec } = first!.utterance
    const at = (startSec + endSec) / 2
    const { left, right } = await ok<{ left: UtteranceDetail; right: UtteranceDetail }>(
      'utterance.split',
      {
        id: first!.utterance.id,
        actorId: annotator.id,
        baseRevisionId: first!.head?.id ?? null,
        atSec: at,
        leftText: 'mwanzo',
        rightText: 'mwisho',
      },
    )
    expect(left.utterance).toMatchObject({ startSec, endSec: at, text: 'mwanzo' })
    expect(right.utterance).toMatchObject({ startSec: at, endSec, text: 'mwisho' })
    // The hypotheses described the whole: they are set aside until the model labels the halves.
    expect(left.hypotheses).toEqual([])
    expect(left.utterance.confidence).toBeNull()
    expect(left.nextId).toBe(right.utterance.id)

    const merged = await ok<UtteranceDetail>('utterance.merge', {
      id: left.utterance.id,
      nextId: right.utterance.id,
      actorId: annotator.id,
      text: 'mwanzo mwisho',
    })
    expect(merged.utterance).toMatchObject({ startSec, endSec, text: 'mwanzo mwisho' })
    const gone = await refused('utterance.get', { id: right.utterance.id })
    expect(gone.message).toMatch(`merged into utterance ${left.utterance.id}`)
    const queue = await ok<QueuePage>('queue.list', { limit: 1000 })
    expect(queue.items.some((i) => i.id === right.utterance.id)).toBe(false)
    // The merged-away utterance keeps its revision history.
    expect(verifyChain(db(), right.utterance.id)).toEqual({ ok: true })
  })

  it('stores split and merged text as a save stores it: one space, canonical Unicode', async () => {
    const segments = await longSegments()
    const last = segments[segments.length - 1]!
    const { startSec, endSec } = last.utterance
    // "é" typed as e + combining acute (NFD), as some keyboards and pastes deliver it.
    const { left, right } = await ok<{ left: UtteranceDetail; right: UtteranceDetail }>(
      'utterance.split',
      {
        id: last.utterance.id,
        actorId: annotator.id,
        baseRevisionId: last.head?.id ?? null,
        atSec: (startSec + endSec) / 2,
        leftText: ' cafe\u0301   ya ',
        rightText: 'chai\u0301\tmoto',
      },
    )
    expect(left.utterance.text).toBe('caf\u00e9 ya')
    expect(right.utterance.text).toBe('cha\u00ed moto')
    const merged = await ok<UtteranceDetail>('utterance.merge', {
      id: left.utterance.id,
      nextId: right.utterance.id,
      actorId: annotator.id,
      text: 'cafe\u0301 ya  chai\u0301 moto',
    })
    expect(merged.utterance.text).toBe('caf\u00e9 ya cha\u00ed moto')
  })

  it('moves an edge, and refuses an edge over the neighbour', async () => {
    const [first, second] = await longSegments()
    const moved = await ok<UtteranceDetail>('utterance.setBounds', {
      id: second!.utterance.id,
      actorId: annotator.id,
      startSec: second!.utterance.startSec - 0.05,
      endSec: second!.utterance.endSec,
    })
    expect(moved.utterance.startSec).toBeCloseTo(second!.utterance.startSec - 0.05, 6)
    const overlap = await refused('utterance.setBounds', {
      id: second!.utterance.id,
      actorId: annotator.id,
      startSec: first!.utterance.startSec + 0.1,
      endSec: second!.utterance.endSec,
    })
    expect(overlap.kind).toBe('conflict')
    expect(overlap.message).toMatch(`overlap utterance ${first!.utterance.id}`)
  })
})
