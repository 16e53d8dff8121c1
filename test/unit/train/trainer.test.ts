import { describe, expect, it } from 'vitest'
import { greedyDecode } from '../../../src/main/core/asr/ctc'
import { align, errorRate } from '../../../src/shared/metrics/errors'
import {
  initParams,
  posteriors,
  tensorViews,
  type AdapterHeadParams,
  type AdapterHeadShape,
} from '../../../src/main/core/train/adapter-head'
import { bucketByLength } from '../../../src/main/core/train/batches'
import { seededRandom } from '../../../src/main/core/train/random'
import { train, type TrainExample, type TrainOptions } from '../../../src/main/core/train/trainer'

const DIM = 8
const VOCAB = 4 // blank + 3 labels

/**
 * A separable toy task: each label has its own direction in hidden space, and an utterance holds
 * 2–4 labels of 2–4 frames each, separated by blank-like frames, with noise. A linear head can
 * learn it; an untrained one cannot.
 */
function toyExamples(count: number, seed: number): TrainExample[] {
  const prototypeRandom = seededRandom(99)
  const random = seededRandom(seed)
  const prototypes = Array.from({ length: VOCAB }, () =>
    Array.from({ length: DIM }, () => prototypeRandom.normal() * 2),
  )
  return Array.from({ length: count }, () => {
    const targets = Array.from(
      { length: 2 + Math.floor(random.next() * 3) },
      () => 1 + Math.floor(random.next() * (VOCAB - 1)),
    )
    const frames: number[] = [0]
    for (const label of targets) {
      const n = 2 + Math.floor(random.next() * 3)
      for (let k = 0; k < n; k++) frames.push(label)
      frames.push(0)
    }
    const hidden = new Float32Array(frames.length * DIM)
    frames.forEach((label, t) => {
      for (let i = 0; i < DIM; i++)
        hidden[t * DIM + i] = prototypes[label]![i]! + random.normal() * 0.5
    })
    return { hidden, frames: frames.length, targets }
  })
}

/** Greedy-decoded label error rate (the dev metric a caller passes as `evaluate`). */
function labelErrorRate(params: AdapterHeadParams, examples: TrainExample[]): number {
  let counts = { n: 0, errors: 0 }
  for (const e of examples) {
    const hyp = greedyDecode(posteriors(params, e.hidden, e.frames), 0).tokens.map(String)
    const a = align(e.targets.map(String), hyp)
    counts = {
      n: counts.n + a.n,
      errors: counts.errors + a.substitutions + a.deletions + a.insertions,
    }
  }
  return errorRate({
    n: counts.n,
    hits: 0,
    substitutions: counts.errors,
    deletions: 0,
    insertions: 0,
  })
}

const trainSet = toyExamples(40, 1)
const devSet = toyExamples(12, 2)
const shape: AdapterHeadShape = { dim: DIM, bottleneck: 4, vocab: VOCAB }
const quick: TrainOptions = {
  learningRate: 0.03,
  batchFrames: 120,
  maxEpochs: 12,
  patience: 3,
  warmupSteps: 2,
  headWarmupEpochs: 2,
  seed: 3,
}

const same = (a: AdapterHeadParams, b: AdapterHeadParams): boolean =>
  Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(
    Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
  )

describe('trainer', () => {
  it('lowers the loss and the dev error rate on a separable task', () => {
    const init = initParams(shape, 7)
    const before = labelErrorRate(init, devSet)
    const result = train(init, trainSet, devSet, {
      ...quick,
      evaluate: (p) => labelErrorRate(p, devSet),
    })
    const after = labelErrorRate(result.params, devSet)
    expect(before).toBeGreaterThan(0.5)
    expect(after).toBeLessThan(0.1)
    expect(result.initial.devMetric).toBe(before)
    const first = result.history[0]!
    const last = result.history[result.history.length - 1]!
    expect(last.trainLoss).toBeLessThan(first.trainLoss / 2)
    expect(last.devLoss!).toBeLessThan(result.initial.devLoss!)
    expect(result.bestEpoch).toBeGreaterThan(0)
    expect(result.history[result.bestEpoch - 1]!.devMetric).toBe(after)
    expect(result.cancelled).toBe(false)
    expect(result.skipped).toEqual([])
    // The adapter learned too: its up-projection is no longer zero.
    expect(tensorViews(shape, result.params.data)['adapter.up.weight']!.some((x) => x !== 0)).toBe(
      true,
    )
  })

  it('gives identical parameters for the same seed, and different ones for another', () => {
    const init = initParams(shape, 7)
    const a = train(init, trainSet, devSet, { ...quick, maxEpochs: 3 })
    const b = train(init, trainSet, devSet, { ...quick, maxEpochs: 3 })
    const c = train(init, trainSet, devSet, { ...quick, maxEpochs: 3, seed: 4 })
    expect(same(a.params, b.params)).toBe(true)
    expect(a.history).toEqual(b.history)
    expect(same(a.params, c.params)).toBe(false)
    expect(same(init, initParams(shape, 7))).toBe(true) // the starting parameters are not touched
  })

  it('cancels when shouldStop says so, returning the best parameters so far', () => {
    const init = initParams(shape, 7)
    let polls = 0
    const progress: number[] = []
    const result = train(init, trainSet, devSet, {
      ...quick,
      shouldStop: () => ++polls > 5,
      onProgress: (p) => progress.push(p.step),
    })
    expect(result.cancelled).toBe(true)
    expect(result.steps).toBe(5)
    expect(progress).toHaveLength(5)
    const epochSteps = bucketByLength(
      trainSet.map((e) => e.frames),
      quick.batchFrames!,
    ).length
    expect(result.history).toHaveLength(Math.floor(5 / epochSteps))
    if (result.history.length === 0) expect(same(result.params, init)).toBe(true)
  })

  it('stops early after `patience` epochs without improvement and keeps the best epoch', () => {
    const init = initParams(shape, 7)
    const scores = [5, 3, 2, 4, 6, 1]
    const seen: AdapterHeadParams[] = []
    const result = train(init, trainSet, devSet, {
      ...quick,
      headWarmupEpochs: 0,
      patience: 2,
      evaluate: (p) => {
        seen.push(p)
        return scores[seen.length - 1]!
      },
    })
    expect(result.stoppedEarly).toBe(true)
    expect(result.history.map((h) => h.devMetric)).toEqual([3, 2, 4, 6])
    expect(result.bestEpoch).toBe(2)
    expect(same(result.params, seen[2]!)).toBe(true)
    expect(same(result.params, seen[4]!)).toBe(false)
  })

  it('keeps the starting parameters when no epoch beats them', () => {
    const init = initParams(shape, 7)
    const options = { ...quick, headWarmupEpochs: 0, patience: 1, evaluate: () => 1 }
    const result = train(init, trainSet, devSet, options)
    expect(result.bestEpoch).toBe(0)
    expect(result.history).toHaveLength(1)
    expect(result.stoppedEarly).toBe(true)
    expect(same(result.params, init)).toBe(true)
  })

  it('does not stop before the adapter has joined after the head warm-up', () => {
    const options = { ...quick, headWarmupEpochs: 3, patience: 1, evaluate: () => 1 }
    const result = train(initParams(shape, 7), trainSet, devSet, options)
    expect(result.history).toHaveLength(4)
    expect(result.stoppedEarly).toBe(true)
  })

  it('gives the adapter `patience` epochs of its own after the head warm-up', () => {
    // The head-alone epochs used to count towards patience: with 2 of them and patience 3 the
    // adapter trained one epoch before the run gave up.
    const options = { ...quick, headWarmupEpochs: 2, patience: 3, evaluate: () => 1 }
    const result = train(initParams(shape, 7), trainSet, devSet, options)
    expect(result.history).toHaveLength(5)
    expect(result.stoppedEarly).toBe(true)
  })

  // Label 1's head row and bias come from a parent; labels 2, 3 and the blank start fresh.
  const inheritedRow = (init: AdapterHeadParams): Uint8Array => {
    const inherited = new Uint8Array(init.data.length)
    const marks = tensorViews(shape, inherited)
    marks['head.weight']!.fill(1, DIM, 2 * DIM)
    marks['head.bias']![1] = 1
    return inherited
  }
  const row = (p: AdapterHeadParams, label: number): number[] => [
    ...tensorViews(shape, p.data)['head.weight']!.subarray(label * DIM, (label + 1) * DIM),
  ]
  const moved = (p: AdapterHeadParams, init: AdapterHeadParams): number =>
    Math.hypot(...row(p, 1).map((x, i) => x - row(init, 1)[i]!))

  it('steps inherited parameters at the scale given, fresh ones at the full rate', () => {
    const init = initParams(shape, 7)
    const inherited = inheritedRow(init)
    const options = { ...quick, headWarmupEpochs: 0, maxEpochs: 2, inherited }
    const frozen = train(init, trainSet, [], { ...options, inheritedScales: [0] })
    expect(row(frozen.params, 1)).toEqual(row(init, 1))
    expect(row(frozen.params, 2)).not.toEqual(row(init, 2))
    expect(frozen.inheritedScale).toBe(0)
    const full = train(init, trainSet, [], { ...options, inheritedScales: [1] })
    const plain = train(init, trainSet, [], { ...options, inherited: undefined })
    expect(same(full.params, plain.params)).toBe(true)
    expect(plain.inheritedScale).toBeNull()
    const gentle = train(init, trainSet, [], { ...options, inheritedScales: [0.1] })
    expect(moved(gentle.params, init)).toBeGreaterThan(0)
    expect(moved(gentle.params, init)).toBeLessThan(0.5 * moved(full.params, init))
  })

  it('tries each scale for one epoch and continues with the one better on dev', () => {
    const init = initParams(shape, 7)
    const options = {
      ...quick,
      headWarmupEpochs: 0,
      maxEpochs: 3,
      inherited: inheritedRow(init),
      inheritedScales: [1, 0.1],
    }
    // A dev metric that rewards moving the inherited row: the full rate moves it further.
    const eager = train(init, trainSet, devSet, { ...options, evaluate: (p) => -moved(p, init) })
    expect(eager.inheritedScale).toBe(1)
    expect(eager.rateTrial.map((c) => c.scale)).toEqual([1, 0.1])
    expect(eager.rateTrial[0]!.devMetric!).toBeLessThan(eager.rateTrial[1]!.devMetric!)
    // The chosen candidate's first epoch is the run's first epoch.
    expect(eager.history[0]!.devMetric).toBe(eager.rateTrial[0]!.devMetric)
    // One that rewards staying put: the gentle rate wins.
    const cautious = train(init, trainSet, devSet, { ...options, evaluate: (p) => moved(p, init) })
    expect(cautious.inheritedScale).toBe(0.1)
    expect(cautious.rateTrial[1]!.devMetric!).toBeLessThan(cautious.rateTrial[0]!.devMetric!)
    // Without a metric the dev loss decides.
    const byLoss = train(init, trainSet, devSet, options)
    const [a, b] = byLoss.rateTrial
    expect(byLoss.inheritedScale).toBe(a!.devLoss! < b!.devLoss! ? 1 : 0.1)
  })

  it('gives a tie on dev to the gentler scale, whatever the order of the candidates', () => {
    const init = initParams(shape, 7)
    const options = { ...quick, inherited: inheritedRow(init), evaluate: () => 0.5 }
    for (const inheritedScales of [
      [1, 0.1],
      [0.1, 1],
      [1, 0.3, 0.1],
    ]) {
      const result = train(init, trainSet, devSet, { ...options, inheritedScales, maxEpochs: 1 })
      expect(result.inheritedScale).toBe(0.1)
      expect(result.rateTrial.map((c) => c.devMetric)).toEqual(inheritedScales.map(() => 0.5))
    }
  })

  it('continues the trial winner exactly as a run at that scale alone would go', () => {
    const init = initParams(shape, 7)
    const options = {
      ...quick,
      inherited: inheritedRow(init),
      evaluate: (p: AdapterHeadParams) => labelErrorRate(p, devSet),
    }
    const progress: { epoch: number; step: number; steps: number }[] = []
    const tried = train(init, trainSet, devSet, {
      ...options,
      inheritedScales: [1, 0.1],
      onProgress: ({ epoch, step, steps }) => progress.push({ epoch, step, steps }),
    })
    const alone = train(init, trainSet, devSet, {
      ...options,
      inheritedScales: [tried.inheritedScale!],
    })
    expect(same(tried.params, alone.params)).toBe(true)
    expect(tried.history).toEqual(alone.history)
    expect(alone.rateTrial).toEqual([])
    const epochSteps = bucketByLength(
      trainSet.map((e) => e.frames),
      quick.batchFrames!,
    ).length
    // The trial's two first epochs count as the run's first, for progress and for steps.
    expect(tried.steps).toBe(alone.steps + epochSteps)
    const first = progress.filter((p) => p.epoch === 1)
    expect(first.map((p) => p.step)).toEqual(
      Array.from({ length: 2 * epochSteps }, (_, i) => i + 1),
    )
    expect(first.every((p) => p.steps === 2 * epochSteps)).toBe(true)
  })

  it('runs no trial when nothing is inherited or no dev split can judge, and can be cancelled in one', () => {
    const init = initParams(shape, 7)
    const inherited = inheritedRow(init)
    const none = train(init, trainSet, devSet, { ...quick, maxEpochs: 2 })
    expect(none.rateTrial).toEqual([])
    expect(none.inheritedScale).toBeNull()
    const blind = train(init, trainSet, [], { ...quick, maxEpochs: 2, inherited })
    expect(blind.rateTrial).toEqual([])
    expect(blind.inheritedScale).toBe(0.1)
    let polls = 0
    const stopped = train(init, trainSet, devSet, {
      ...quick,
      inherited,
      shouldStop: () => ++polls > 5,
    })
    expect(stopped.cancelled).toBe(true)
    expect(stopped.history).toEqual([])
    expect(same(stopped.params, init)).toBe(true)
  })

  it('refuses an inherited mask that does not match the parameters', () => {
    const init = initParams(shape, 7)
    expect(() => train(init, trainSet, [], { ...quick, inherited: new Uint8Array(3) })).toThrow(
      /inherited mask/,
    )
  })

  it('trains the head alone during the head warm-up epochs', () => {
    const init = initParams(shape, 7)
    // Without a dev split the last epoch's parameters come back.
    const options = { ...quick, headWarmupEpochs: 3, maxEpochs: 3 }
    const result = train(init, trainSet, [], options)
    const before = tensorViews(shape, init.data)
    const after = tensorViews(shape, result.params.data)
    expect([...after['adapter.down.weight']!]).toEqual([...before['adapter.down.weight']!])
    expect([...after['adapter.up.weight']!]).toEqual([...before['adapter.up.weight']!])
    expect([...after['head.weight']!]).not.toEqual([...before['head.weight']!])
    const joined = train(init, trainSet, [], { ...options, maxEpochs: 4 })
    expect(tensorViews(shape, joined.params.data)['adapter.up.weight']!.some((x) => x !== 0)).toBe(
      true,
    )
  })

  it('freezes the adapter for head-only training', () => {
    const init = initParams(shape, 7)
    // A non-trivial adapter, as a parent checkpoint would have.
    const random = seededRandom(11)
    const up = tensorViews(shape, init.data)['adapter.up.weight']!
    for (let i = 0; i < up.length; i++) up[i] = random.normal() * 0.3
    const result = train(init, trainSet, devSet, { ...quick, maxEpochs: 4, headOnly: true })
    const before = tensorViews(shape, init.data)
    const after = tensorViews(shape, result.params.data)
    for (const name of ['adapter.norm.weight', 'adapter.down.weight', 'adapter.up.weight'] as const)
      expect([...after[name]!]).toEqual([...before[name]!])
    expect([...after['head.weight']!]).not.toEqual([...before['head.weight']!])
    expect(result.history[result.history.length - 1]!.trainLoss).toBeLessThan(
      result.history[0]!.trainLoss,
    )
  })

  it('skips training utterances whose targets cannot fit their frames, and reports them', () => {
    const tooShort: TrainExample = {
      hidden: new Float32Array(2 * DIM),
      frames: 2,
      targets: [1, 1, 2],
    }
    const result = train(initParams(shape, 7), [...trainSet, tooShort], [tooShort, ...devSet], {
      ...quick,
      maxEpochs: 1,
    })
    expect(result.skipped).toEqual([trainSet.length])
    expect(result.devSkipped).toEqual([0])
    expect(Number.isFinite(result.history[0]!.trainLoss)).toBe(true)
    expect(Number.isFinite(result.history[0]!.devLoss!)).toBe(true)
  })

  it('trains without a dev split, keeping the last epoch', () => {
    const result = train(initParams(shape, 7), trainSet, [], { ...quick, maxEpochs: 2 })
    expect(result.bestEpoch).toBe(2)
    expect(result.history.map((h) => h.devLoss)).toEqual([null, null])
    expect(result.stoppedEarly).toBe(false)
  })
})

describe('length buckets', () => {
  it('sorts by length and cuts at the frames budget; long examples get a batch alone', () => {
    expect(bucketByLength([50, 10, 30, 200, 20, 40], 70)).toEqual([[1, 4, 2], [5], [0], [3]])
  })
})
