import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InferenceWorkers } from '../../src/main/core/asr/inference-workers'
import { hasUnlabelled } from '../../src/main/core/project/queries'
import { insertRows } from '../support/db'
import type { Workbench } from '../../src/main/core/workbench'
import type { Annotator, UtteranceDetail } from '../../src/shared/domain'
import {
  contractCalls,
  demoLongSegments,
  expectNoOpenWorkbenches,
  openDemoWorkbench,
  runJob,
  type DemoSegment,
} from '../support/workbench'

/**
 * An annotator reshapes utterances of the demo project, labelled by the bundled starter model
 * (real SQLite file, real ONNX model, real audio), and the editor asks for the new spans'
 * guesses at once instead of waiting for a labelling job.
 */
let wb: Workbench
let dispose: () => Promise<void>
let annotator: Annotator
const { ok, refused } = contractCalls(() => wb)
const db = (): Workbench['project']['db'] => wb.project.db

interface Span {
  startSec: number
  endSec: number
}
interface Decoding {
  decoded: boolean
  model: string | null
  detail: UtteranceDetail
}

const longSegments = (): DemoSegment[] => demoLongSegments(db())

/** The spans the hypotheses were stored with. */
function storedSpans(ids: number[]): Span[] {
  return ids.map(
    (id) =>
      db()
        .prepare('SELECT start_sec AS startSec, end_sec AS endSec FROM hypothesis WHERE id = ?')
        .get(id) as Span,
  )
}

const hypothesisRows = (id: number): number =>
  (
    db().prepare('SELECT count(*) AS n FROM hypothesis WHERE utterance_id = ?').get(id) as {
      n: number
    }
  ).n

const shownHypothesis = (id: number): number | null =>
  (
    db().prepare('SELECT hypothesis_id FROM utterance WHERE id = ?').get(id) as {
      hypothesis_id: number | null
    }
  ).hypothesis_id

const spanOf = (d: UtteranceDetail): Span => ({
  startSec: d.utterance.startSec,
  endSec: d.utterance.endSec,
})

const decode = (id: number): Promise<Decoding> =>
  ok<Decoding>('utterance.decode', { id, actorId: annotator.id })

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openDemoWorkbench())
  annotator = await ok<Annotator>('annotator.create', {
    name: 'Amina',
    role: 'annotator',
    languages: ['sw'],
  })
}, 240_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('decoding an utterance again after its span changed', () => {
  it('gives a moved utterance the guess for its new span, with the labelling model and settings, once', async () => {
    // A lead labelled again asking for three alternatives: nothing waited, but it is what the
    // project's labelling now asks for.
    const relabel = await runJob(wb, 'label.start', {
      model: 'sauti-starter-multilingual-ctc',
      nBest: 3,
    })
    expect(relabel.labelled).toMatchObject({ labelled: 0 })

    // An English clip: the starter model writes English, so its guess is a transcript.
    const target = db()
      .prepare(
        "SELECT id, start_sec AS startSec, end_sec AS endSec FROM utterance WHERE language = 'en' ORDER BY id LIMIT 1",
      )
      .get() as Span & { id: number }
    const before = await ok<UtteranceDetail>('utterance.get', { id: target!.id })
    expect(before.hypotheses.length).toBeGreaterThan(0)
    const trimmed = {
      startSec: target!.startSec + 0.1,
      endSec: target!.endSec - (target!.endSec - target!.startSec) / 4,
    }
    const moved = await ok<UtteranceDetail>('utterance.setBounds', {
      id: target!.id,
      actorId: annotator.id,
      ...trimmed,
    })
    expect(moved.hypotheses).toEqual([])

    const answer = await decode(target!.id)
    expect(answer.decoded).toBe(true)
    expect(answer.model).toBe(before.hypotheses[0]!.modelName)
    const fresh = answer.detail.hypotheses
    expect(fresh.length).toBeGreaterThan(0)
    expect(fresh.length).toBeLessThanOrEqual(3)
    expect(spanOf(answer.detail)).toEqual(trimmed)
    // Decoded from exactly the new span, and shown: the editor's N-best, confidence and words.
    for (const span of storedSpans(fresh.map((h) => h.id))) expect(span).toEqual(trimmed)
    expect(shownHypothesis(target!.id)).toBe(fresh[0]!.id)
    expect(answer.detail.utterance.confidence).toBe(fresh[0]!.confidence)
    expect(answer.detail.utterance.confidence).not.toBeNull()
    expect(fresh[0]!.reference).toBeNull()
    expect(answer.detail.wordTier).toMatchObject({
      source: 'hypothesis',
      words: fresh[0]!.wordTimes,
    })
    for (const w of fresh[0]!.wordTimes) {
      expect(w.start).toBeGreaterThanOrEqual(trimmed.startSec - 1e-6)
      expect(w.end).toBeLessThanOrEqual(trimmed.endSec + 1e-6)
    }
    expect(fresh.map((h) => h.id)).not.toContain(before.hypotheses[0]!.id)
    const reopened = await ok<UtteranceDetail>('utterance.get', { id: target!.id })
    expect(reopened.hypotheses.map((h) => h.id)).toEqual(fresh.map((h) => h.id))
    // Nothing waits for a labelling job any more.
    expect(hasUnlabelled(db())).toBe(false)

    // Asking again for the same span decodes nothing and answers the same guess.
    const rows = hypothesisRows(target!.id)
    const again = await decode(target!.id)
    expect(again.decoded).toBe(false)
    expect(again.detail.hypotheses.map((h) => h.id)).toEqual(fresh.map((h) => h.id))
    expect(hypothesisRows(target!.id)).toBe(rows)
  })

  it('keeps a guess decoded for a span the utterance no longer has as history only', async () => {
    const [, target] = longSegments()
    const first = { startSec: target!.startSec, endSec: target!.endSec - 0.3 }
    const second = { startSec: target!.startSec, endSec: target!.endSec - 0.6 }
    await ok('utterance.setBounds', { id: target!.id, actorId: annotator.id, ...first })
    // The annotator drags the edge again while the worker decodes the first span.
    const workers = (wb as unknown as { options: { inferenceWorkers: InferenceWorkers } }).options
      .inferenceWorkers
    const transcribe = workers.transcribe.bind(workers)
    workers.transcribe = async (...args) => {
      const decoding = transcribe(...args)
      await ok('utterance.setBounds', { id: target!.id, actorId: annotator.id, ...second })
      return decoding
    }
    let late: Decoding
    try {
      late = await decode(target!.id)
    } finally {
      workers.transcribe = transcribe
    }
    // What the worker read of the first span is kept, but neither shown nor answered.
    const history = db()
      .prepare('SELECT count(*) AS n FROM hypothesis WHERE utterance_id = ? AND end_sec = ?')
      .get(target!.id, first.endSec) as { n: number }
    expect(history.n).toBeGreaterThan(0)
    expect(spanOf(late.detail)).toEqual(second)
    expect(late.detail.hypotheses).toEqual([])
    expect(late.detail.utterance.confidence).toBeNull()
    expect(shownHypothesis(target!.id)).toBeNull()

    // The editor asks again for the span the utterance has now.
    const settled = await decode(target!.id)
    expect(settled.decoded).toBe(true)
    expect(settled.detail.hypotheses.length).toBeGreaterThan(0)
    for (const span of storedSpans(settled.detail.hypotheses.map((h) => h.id)))
      expect(span).toEqual(second)
    expect(shownHypothesis(target!.id)).toBe(settled.detail.hypotheses[0]!.id)
  })

  it('decodes both halves of a split, and a merge back shows the first N-best without decoding', async () => {
    const segments = longSegments()
    const whole = segments[segments.length - 1]!
    const before = await ok<UtteranceDetail>('utterance.get', { id: whole.id })
    const at = (whole.startSec + whole.endSec) / 2
    const halves = await ok<{ left: UtteranceDetail; right: UtteranceDetail }>('utterance.split', {
      id: whole.id,
      actorId: annotator.id,
      baseRevisionId: null,
      atSec: at,
      leftText: '',
      rightText: '',
    })
    const [left, right] = await Promise.all([
      decode(halves.left.utterance.id),
      decode(halves.right.utterance.id),
    ])
    // The right half is a new row that no model read: the model of the project's labelling.
    for (const half of [left, right]) {
      expect(half.decoded).toBe(true)
      expect(half.model).toBe(before.hypotheses[0]!.modelName)
      expect(half.detail.hypotheses.length).toBeGreaterThan(0)
      for (const span of storedSpans(half.detail.hypotheses.map((h) => h.id)))
        expect(span).toEqual(spanOf(half.detail))
    }
    expect(spanOf(right.detail)).toEqual({ startSec: at, endSec: whole.endSec })

    const merged = await ok<UtteranceDetail>('utterance.merge', {
      id: whole.id,
      nextId: halves.right.utterance.id,
      actorId: annotator.id,
      text: '',
    })
    expect(merged.hypotheses.map((h) => h.id)).toEqual(before.hypotheses.map((h) => h.id))
    const again = await decode(whole.id)
    expect(again.decoded).toBe(false)
    expect(again.detail.hypotheses.map((h) => h.id)).toEqual(before.hypotheses.map((h) => h.id))
    // The half merged away is not decoded: the editor never shows it.
    const gone = await refused('utterance.decode', { id: halves.right.utterance.id })
    expect(gone.kind).toBe('not_found')
  })
})

describe('with an adapted checkpoint in use', () => {
  it('decodes with the checkpoint labelling uses, and says why it cannot without its file', async () => {
    const modelId = (
      db().prepare('SELECT id FROM model ORDER BY id LIMIT 1').get() as { id: number }
    ).id
    insertRows(db(), 'checkpoint', [
      {
        model_id: modelId,
        path: '/checkpoints/missing.bin',
        sha256: 'c'.repeat(64),
        status: 'active',
        metrics: '{}',
        created_at: '2026-06-01T00:00:00.000Z',
      },
    ])
    const target = longSegments()[3]!
    await ok('utterance.setBounds', {
      id: target.id,
      actorId: annotator.id,
      startSec: target.startSec,
      endSec: target.endSec - 0.2,
    })
    // Its file is gone (as after a disk was restored without it): the refusal names it.
    const failed = await refused('utterance.decode', { id: target.id, actorId: annotator.id })
    expect(failed).toMatchObject({
      kind: 'not_found',
      details: { file: '/checkpoints/missing.bin' },
    })
    expect(shownHypothesis(target.id)).toBeNull()
    // With the model's own head in use again, the same ask decodes.
    db().prepare("UPDATE checkpoint SET status = 'inactive' WHERE sha256 = ?").run('c'.repeat(64))
    const decoded = await decode(target.id)
    expect(decoded.decoded).toBe(true)
    expect(shownHypothesis(target.id)).toBe(decoded.detail.hypotheses[0]!.id)
  })
})
