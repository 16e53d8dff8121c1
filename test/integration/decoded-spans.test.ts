import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPool } from '../../src/main/core/adapt/acquisition'
import { decodedBy } from '../../src/main/core/adapt/compare-checkpoints'
import { assignSplits } from '../../src/main/core/adapt/splits'
import { hiddenCacheDir, hiddenCacheFile } from '../../src/main/core/adapt/hidden-cache'
import { hasUnlabelled } from '../../src/main/core/project/queries'
import type { Workbench } from '../../src/main/core/workbench'
import type { EventMap } from '../../src/shared/contract'
import type { Annotator, RevisionInfo, UtteranceDetail, WordTier } from '../../src/shared/domain'
import { appRoot } from '../support/fixtures'
import {
  contractCalls,
  demoLongSegments,
  expectNoOpenWorkbenches,
  openDemoWorkbench,
  type DemoSegment,
} from '../support/workbench'

/**
 * An annotator moves an utterance's edge and splits another, on the demo project labelled by the
 * bundled starter model (real SQLite file, real ONNX model, real audio). What the model decoded
 * from the old spans stays as history but no longer shows, counts as decoded or ranks the queue;
 * the next labelling decodes the new spans.
 */
let wb: Workbench
let dispose: () => Promise<void>
let annotator: Annotator
const { ok } = contractCalls(() => wb)
const db = (): Workbench['project']['db'] => wb.project.db

interface Span {
  startSec: number
  endSec: number
}

const longSegments = (): DemoSegment[] => demoLongSegments(db())

/** The frames of the encoder states cached for an utterance's span (the file's u32 header). */
function cachedFrames(id: number, span: Span): number | null {
  const dir = hiddenCacheDir(wb.project.paths)
  const [model] = readdirSync(dir)
  const file = hiddenCacheFile(dir, model!, { id, ...span })
  return existsSync(file) ? readFileSync(file).readUInt32LE(0) : null
}

/** Runs the labelling a start runs when something waits for a model, to its end. */
async function labelWhatWaits(): Promise<EventMap['job.finished']> {
  const finished = new Promise<EventMap['job.finished']>((resolve) => {
    const off = wb.events.on('job.finished', (f) => {
      off()
      resolve(f)
    })
  })
  const jobId = await wb.labelIfUnlabelled(join(appRoot, 'models/starter'))
  expect(jobId).not.toBeNull()
  return finished
}

const measured = (id: number): number | null =>
  readPool(db()).find((p) => p.id === id)?.leastConfidence ?? null

beforeAll(async () => {
  ;({ workbench: wb, dispose } = await openDemoWorkbench())
  annotator = await ok<Annotator>('annotator.create', {
    name: 'Amina',
    role: 'annotator',
    languages: ['sw'],
  })
  // Train, dev and test as a first training makes them.
  assignSplits(db())
}, 240_000)
afterAll(async () => {
  await dispose()
  expectNoOpenWorkbenches()
})

describe('after an utterance’s edges move', () => {
  it('sets aside what was decoded from the old span, keeps it in provenance, and labels the new span', async () => {
    const [moved, split] = longSegments()
    const before = await ok<UtteranceDetail>('utterance.get', { id: moved!.id })
    const old = before.hypotheses[0]!
    expect(old.wordTimes.length).toBeGreaterThan(0)
    expect(measured(moved!.id)).not.toBeNull()
    const oldFrames = cachedFrames(moved!.id, moved!)
    expect(oldFrames).toBeGreaterThan(0)
    // A transcribed dev utterance: what a comparison of two models scores on.
    const dev = db()
      .prepare(
        "SELECT id, start_sec AS startSec, end_sec AS endSec FROM utterance WHERE split = 'dev' ORDER BY id LIMIT 1",
      )
      .get() as Span & { id: number }
    const modelId = (
      db().prepare('SELECT model_id FROM hypothesis WHERE id = ?').get(old.id) as {
        model_id: number
      }
    ).model_id
    const baseHead = { checkpointId: null } as Parameters<typeof decodedBy>[2]
    const comparable = (): boolean => decodedBy(db(), modelId, baseHead, 'dev').has(dev.id)
    expect(comparable()).toBe(true)

    // The annotator starts typing over the model's guess (an autosaved draft), then trims the
    // end by a third and splits the next segment in two.
    const draft = await ok<{ revision: RevisionInfo }>('utterance.save', {
      id: moved!.id,
      actorId: annotator.id,
      baseRevisionId: null,
      hypothesisId: old.id,
      text: 'bei ya nyanya',
      draft: true,
      status: 'corrected',
    })
    const trimmed = {
      startSec: moved!.startSec,
      endSec: moved!.endSec - (moved!.endSec - moved!.startSec) / 3,
    }
    const after = await ok<UtteranceDetail>('utterance.setBounds', {
      id: moved!.id,
      actorId: annotator.id,
      ...trimmed,
    })
    const at = (split!.startSec + split!.endSec) / 2
    const halves = await ok<{ left: UtteranceDetail; right: UtteranceDetail }>('utterance.split', {
      id: split!.id,
      actorId: annotator.id,
      baseRevisionId: null,
      atSec: at,
      leftText: '',
      rightText: '',
    })
    const changed = [moved!.id, halves.left.utterance.id, halves.right.utterance.id]
    await ok('utterance.setBounds', {
      id: dev.id,
      actorId: annotator.id,
      startSec: dev.startSec + 0.1,
      endSec: dev.endSec,
    })

    // No guess, word times or confidence from audio that is no longer the utterance's.
    expect(after.hypotheses).toEqual([])
    expect(after.utterance.confidence).toBeNull()
    expect(after.wordTier).toBeNull()
    expect(halves.left.hypotheses).toEqual([])
    // It is not decoded for its new span: labelling waits for it, comparisons lack it, and the
    // queue does not rank it by what the old audio measured.
    expect(hasUnlabelled(db())).toBe(true)
    expect(comparable()).toBe(false)
    for (const id of changed) expect(measured(id)).toBeNull()
    const priorities = db()
      .prepare('SELECT priority FROM utterance WHERE id IN (?, ?, ?)')
      .all(...changed) as { priority: number | null }[]
    expect(priorities.every((p) => p.priority === null)).toBe(true)
    // History stays: the old N-best, and the draft still names the guess it started from.
    expect(after.head).toMatchObject({ id: draft.revision.id, hypothesisId: old.id })
    expect(db().prepare('SELECT text FROM hypothesis WHERE id = ?').get(old.id)).toEqual({
      text: old.text,
    })

    const run = await labelWhatWaits()
    expect(run.status).toBe('done')
    // Exactly the four changed utterances are decoded again, each for its span as it is now.
    expect(run.labelled).toMatchObject({ labelled: 4, failed: [] })
    const relabelled = await ok<UtteranceDetail>('utterance.get', { id: moved!.id })
    expect(relabelled.hypotheses.length).toBeGreaterThan(0)
    expect(relabelled.hypotheses.map((h) => h.id)).not.toContain(old.id)
    expect(relabelled.utterance.confidence).not.toBeNull()
    for (const h of relabelled.hypotheses)
      for (const w of h.wordTimes) expect(w.end).toBeLessThanOrEqual(trimmed.endSec + 1e-6)
    const spans = db()
      .prepare(
        'SELECT DISTINCT start_sec, end_sec FROM hypothesis WHERE utterance_id = ? ORDER BY id',
      )
      .all(moved!.id)
    expect(spans).toEqual([
      { start_sec: moved!.startSec, end_sec: moved!.endSec },
      { start_sec: trimmed.startSec, end_sec: trimmed.endSec },
    ])
    // The encoder ran again on the new span (fewer frames), beside the old span's states.
    const newFrames = cachedFrames(moved!.id, trimmed)
    expect(newFrames).toBeGreaterThan(0)
    expect(newFrames).toBeLessThan(oldFrames!)
    expect(cachedFrames(moved!.id, moved!)).toBe(oldFrames)
    for (const id of changed) expect(measured(id)).not.toBeNull()
    expect(comparable()).toBe(true)
    expect(relabelled.head).toMatchObject({ id: draft.revision.id, hypothesisId: old.id })
    expect(hasUnlabelled(db())).toBe(false)

    // Moving the edge back finds the N-best decoded from exactly that span again.
    const back = await ok<UtteranceDetail>('utterance.setBounds', {
      id: moved!.id,
      actorId: annotator.id,
      startSec: moved!.startSec,
      endSec: moved!.endSec,
    })
    expect(back.hypotheses.map((h) => h.id)).toEqual(before.hypotheses.map((h) => h.id))
    // (as calibrated now: the labelling fitted the head's calibration on the dev split again)
    expect(back.utterance.confidence).toBe(back.hypotheses[0]!.confidence)
    expect(back.utterance.confidence).not.toBeNull()
  })

  it('aligns a person’s text to the new span instead of showing word times the edge cut through', async () => {
    const segments = longSegments()
    const target = segments[segments.length - 1]!
    const detail = await ok<UtteranceDetail>('utterance.get', { id: target.id })
    const words = ['bei', 'ya', 'nyanya', 'imepanda']
    // Boundaries set by hand: the words share the span evenly.
    const step = (target.endSec - target.startSec) / words.length
    const wordTimes = words.map((word, i) => ({
      word,
      start: target.startSec + i * step,
      end: target.startSec + (i + 1) * step,
    }))
    await ok('utterance.save', {
      id: target.id,
      actorId: annotator.id,
      baseRevisionId: detail.head?.id ?? null,
      hypothesisId: detail.hypotheses[0]?.id ?? null,
      text: words.join(' '),
      wordTimes,
      draft: false,
      status: 'corrected',
    })
    const mine = await ok<{ wordTier: WordTier | null }>('utterance.align', { id: target.id })
    expect(mine.wordTier).toMatchObject({ source: 'revision', by: 'Amina' })

    // The end moves into the last word: the person's times no longer fit the utterance.
    const endSec = target.endSec - step / 2
    const moved = await ok<UtteranceDetail>('utterance.setBounds', {
      id: target.id,
      actorId: annotator.id,
      startSec: target.startSec,
      endSec,
    })
    expect(moved.wordTier?.source).not.toBe('revision')
    const aligned = await ok<{ wordTier: WordTier | null }>('utterance.align', { id: target.id })
    expect(aligned.wordTier?.source).toBe('alignment')
    expect(aligned.wordTier!.words.map((w) => w.word)).toEqual(words)
    for (const w of aligned.wordTier!.words) expect(w.end).toBeLessThanOrEqual(endSec + 1e-6)
    // The person's revision keeps the times they set: nothing of theirs is rewritten.
    const stored = db()
      .prepare('SELECT word_times FROM revision WHERE utterance_id = ? ORDER BY id DESC LIMIT 1')
      .get(target.id) as { word_times: string }
    expect(JSON.parse(stored.word_times)).toEqual(wordTimes)
  })
})
