/**
 * Trains an adapter and CTC head on cached encoder hidden states (docs/training.md):
 * length-bucketed mini-batches in a seeded order, CTC loss per target label, AdamW with a short
 * linear warm-up and gradient clipping, evaluation on the dev split after every epoch, early
 * stopping with patience, and the best epoch's parameters kept. The run is deterministic for a
 * seed. It is synchronous and CPU-bound, so it belongs in a worker thread; `shouldStop` is
 * polled before every step, e.g. reading a SharedArrayBuffer flag with Atomics.load.
 */
import { AdamW, clipGradientNorm } from './adam'
import {
  applyAdapter,
  backward,
  decayMask,
  forwardWithActivations,
  headOffset,
  parameterCount,
  type AdapterHeadParams,
} from './adapter-head'
import { batchLoss, devLoss } from './batch-loss'
import { bucketByLength, makeBatch, shuffledBatches, type TrainExample } from './batches'
import { minimumFrames } from './ctc-loss'
import type { FloatArray } from './kernels'
import { seededRandom, type Random } from './random'

export type { TrainExample } from './batches'

export interface TrainProgress {
  epoch: number
  epochs: number
  /** Steps done in this epoch, of `steps`. */
  step: number
  steps: number
  /** Mean training loss per target label over this epoch's steps so far. */
  trainLoss: number
  /** The latest dev evaluation (null before the first epoch ends). */
  devLoss: number | null
  devMetric: number | null
}

export interface TrainOptions {
  /** Seeds batch order (initialisation is initParams' seed). Default 1. */
  seed?: number
  /** Label id of the CTC blank. Default 0. */
  blank?: number
  /** Peak learning rate of the head. */
  learningRate?: number
  /** Peak learning rate of the adapter (lower: it reshapes the features every frame shares). */
  adapterLearningRate?: number
  weightDecay?: number
  /** Frames per mini-batch (50 frames per second of audio for the starter model). */
  batchFrames?: number
  maxEpochs?: number
  /** Epochs without improvement on the dev split before stopping. */
  patience?: number
  /** Global gradient norm the gradients are clipped to. */
  clipNorm?: number
  /** Steps over which the learning rate rises linearly to learningRate. */
  warmupSteps?: number
  /** Freeze the adapter and train the head only. */
  headOnly?: boolean
  /**
   * Epochs that train the head alone before the adapter joins (linear probing, then
   * fine-tuning): gradients through a random head would otherwise reshape the adapter first.
   * Early stopping waits for the adapter to have joined.
   */
  headWarmupEpochs?: number
  /**
   * 1 for each parameter of `init` inherited from a trained model (the parent checkpoint, or the
   * base model's head rows), 0 for what starts fresh. Inherited parameters step at a scale of
   * the learning rate chosen from `inheritedScales`; fresh ones at the full rate.
   */
  inherited?: Uint8Array
  /**
   * Candidate scales for the inherited parameters. With more than one (and a dev split and
   * something inherited), the first epoch is trained once at each from the same start and the
   * run continues with the one that scores best on dev, the gentler on a tie: whether a
   * full-rate step throws a trained head off or is what it needs depends on the data
   * (docs/training.md, "Continued training").
   */
  inheritedScales?: readonly number[]
  /** A dev metric, lower is better (e.g. CER); replaces dev loss as the early-stopping rule. */
  evaluate?: (params: AdapterHeadParams) => number
  /** Checked before every step; true cancels the run, which returns the best parameters so far. */
  shouldStop?: () => boolean
  onProgress?: (progress: TrainProgress) => void
}

/** Defaults measured on synthetic Swahili with the starter model (docs/training.md). */
export const defaultTrainOptions = {
  seed: 1,
  blank: 0,
  learningRate: 1e-2,
  adapterLearningRate: 3e-3,
  weightDecay: 0.1,
  /** 5 s of audio at the starter model's 50 frames/s. */
  batchFrames: 250,
  maxEpochs: 25,
  patience: 5,
  clipNorm: 5,
  warmupSteps: 10,
  headOnly: false,
  headWarmupEpochs: 2,
  inheritedScales: [1, 0.1],
} as const

export interface EpochRecord {
  epoch: number
  trainLoss: number
  /** Mean dev loss per target label; null without dev examples. */
  devLoss: number | null
  devMetric?: number
}

/** One candidate of the rate trial: its scale and the dev scores after its first epoch. */
export interface RateTrialEntry {
  scale: number
  devLoss: number | null
  devMetric?: number
}

export interface TrainResult {
  /** The best epoch's parameters (the last epoch's without a dev split). */
  params: AdapterHeadParams
  history: EpochRecord[]
  /** 0 when no epoch beat the starting parameters. */
  bestEpoch: number
  /** The starting parameters' dev loss and metric. */
  initial: { devLoss: number | null; devMetric?: number }
  stoppedEarly: boolean
  cancelled: boolean
  /** Indices of training examples left out: their targets need more frames than they have. */
  skipped: number[]
  /** The same for the dev examples (left out of the dev loss). */
  devSkipped: number[]
  /** Optimizer steps taken, the rate trial's included. */
  steps: number
  /** The scale the inherited parameters stepped at; null when nothing was inherited. */
  inheritedScale: number | null
  /** Each candidate's first epoch on dev, in `inheritedScales` order; empty without a trial. */
  rateTrial: RateTrialEntry[]
}

function copyParams(p: AdapterHeadParams): AdapterHeadParams {
  return { shape: { ...p.shape }, data: Float32Array.from(p.data) }
}

/** One training run's moving parts: its parameters, optimizers and batch order. */
interface Run {
  /** The learning-rate scale of the inherited parameters. */
  scale: number
  trained: AdapterHeadParams
  head: AdamW
  adapter: AdamW | null
  random: Random
}

type DevEvaluation = { devLoss: number | null; devMetric?: number }

export function train(
  init: AdapterHeadParams,
  trainExamples: readonly TrainExample[],
  devExamples: readonly TrainExample[],
  options: TrainOptions = {},
): TrainResult {
  const o = { ...defaultTrainOptions, ...options }
  const { shape } = init
  if (init.data.length !== parameterCount(shape))
    throw new RangeError('train: parameter array does not match its shape')
  if (o.inherited && o.inherited.length !== init.data.length)
    throw new RangeError('train: the inherited mask does not match the parameters')
  if (o.inheritedScales.length === 0)
    throw new RangeError('train: inheritedScales needs at least one scale')
  const feasible = (e: TrainExample): boolean => e.frames >= minimumFrames(e.targets)
  const indices = (list: readonly TrainExample[], keep: boolean): number[] =>
    list.flatMap((e, i) => (feasible(e) === keep ? [i] : []))
  const trainIdx = indices(trainExamples, true)
  const devIdx = indices(devExamples, true)

  // A frozen adapter is applied once; the head then trains alone on its output.
  const frozenAdapter = o.headOnly && shape.bottleneck > 0
  const start = frozenAdapter ? headOffset(shape) : 0
  const transform = frozenAdapter
    ? (hidden: FloatArray, frames: number) => applyAdapter(init, hidden, frames)
    : undefined
  const trainedShape = frozenAdapter ? { ...shape, bottleneck: 0 } : { ...shape }
  const full = (run: Run): AdapterHeadParams => {
    const data = Float32Array.from(init.data)
    data.set(run.trained.data, start)
    return { shape: { ...shape }, data }
  }

  const frameCounts = trainIdx.map((i) => trainExamples[i]!.frames)
  const batches = bucketByLength(frameCounts, o.batchFrames).map((chunk) =>
    makeBatch(
      trainExamples,
      chunk.map((k) => trainIdx[k]!),
      shape.dim,
      transform,
    ),
  )
  const devBatch = devIdx.length > 0 ? makeBatch(devExamples, devIdx, shape.dim, transform) : null
  const evaluate = (run: Run): DevEvaluation => {
    const loss = devLoss(run.trained, devBatch, devExamples, o.blank)
    return o.evaluate ? { devLoss: loss, devMetric: o.evaluate(full(run)) } : { devLoss: loss }
  }
  const criterion = (e: DevEvaluation): number | null => e.devMetric ?? e.devLoss

  // One AdamW for the head and one for the adapter, so that the adapter's moments, bias
  // correction and warm-up start when it joins after the head warm-up (clipping stays global).
  const headStart = trainedShape.bottleneck > 0 ? headOffset(trainedShape) : 0
  const mask = decayMask(trainedShape)
  const inherited = o.inherited?.subarray(start)
  const anyInherited = inherited?.some((k) => k === 1) ?? false
  const newRun = (scale: number): Run => {
    const lrScale = inherited
      ? Float32Array.from(inherited, (k) => (k === 1 ? scale : 1))
      : undefined
    const trained = {
      shape: { ...trainedShape },
      data: Float32Array.from(init.data.subarray(start)),
    }
    return {
      scale,
      trained,
      head: new AdamW(
        trained.data.length - headStart,
        { lr: o.learningRate, weightDecay: o.weightDecay },
        mask.subarray(headStart),
        lrScale?.subarray(headStart),
      ),
      adapter:
        headStart > 0 && !o.headOnly
          ? new AdamW(
              headStart,
              { lr: o.adapterLearningRate, weightDecay: o.weightDecay },
              mask.subarray(0, headStart),
              lrScale?.subarray(0, headStart),
            )
          : null,
      random: seededRandom(o.seed),
    }
  }
  const warmedUp = (optimizer: AdamW): number =>
    optimizer.options.lr * Math.min(1, (optimizer.stepCount + 1) / Math.max(1, o.warmupSteps))
  const grads = new Float64Array(init.data.length - start)
  let steps = 0
  let cancelled = false
  let latest: DevEvaluation = { devLoss: null }

  /** One epoch of `run`; its progress is reported as part `part` of `parts` of the epoch. */
  const runEpoch = (run: Run, epoch: number, part: number, parts: number): number | null => {
    const order = shuffledBatches(batches, run.random)
    const adapterOn = run.adapter !== null && epoch > o.headWarmupEpochs
    const { trained } = run
    let lossSum = 0
    let tokenSum = 0
    for (let k = 0; k < order.length; k++) {
      if (o.shouldStop?.()) return null
      const batch = order[k]!
      const acts = forwardWithActivations(trained, batch.hidden, batch.frames)
      const { sum, gradLogits } = batchLoss(batch, trainExamples, acts.logits, shape.vocab, o.blank)
      grads.fill(0)
      backward(trained, acts, gradLogits, grads, { adapter: adapterOn })
      steps++
      if (o.clipNorm > 0) clipGradientNorm(grads, o.clipNorm)
      run.head.step(trained.data.subarray(headStart), grads.subarray(headStart), warmedUp(run.head))
      if (adapterOn)
        run.adapter!.step(
          trained.data.subarray(0, headStart),
          grads.subarray(0, headStart),
          warmedUp(run.adapter!),
        )
      lossSum += sum
      tokenSum += batch.tokens
      o.onProgress?.({
        epoch,
        epochs: o.maxEpochs,
        step: part * order.length + k + 1,
        steps: parts * order.length,
        trainLoss: lossSum / Math.max(1, tokenSum),
        devLoss: latest.devLoss,
        devMetric: latest.devMetric ?? null,
      })
    }
    return lossSum / Math.max(1, tokenSum)
  }

  // The rate trial: one candidate per scale while something inherited could move and dev can
  // judge; otherwise the gentlest scale, which is what a tie on dev would pick.
  const gentlest = Math.min(...o.inheritedScales)
  const trial = anyInherited && (devBatch !== null || o.evaluate !== undefined)
  let runs = (trial ? [...o.inheritedScales] : [gentlest]).map(newRun)
  const rateTrial: RateTrialEntry[] = []
  const initial = evaluate(runs[0]!)
  latest = initial
  let best = full(runs[0]!)
  let bestScore = criterion(initial)
  let bestEpoch = 0
  let sinceBest = 0
  const history: EpochRecord[] = []
  const adapterJoined = (epoch: number): boolean =>
    runs[0]!.adapter === null || epoch > o.headWarmupEpochs
  let stoppedEarly = false

  for (let epoch = 1; epoch <= o.maxEpochs && !stoppedEarly && !cancelled; epoch++) {
    const outcomes: { trainLoss: number; evaluation: DevEvaluation }[] = []
    for (const [part, run] of runs.entries()) {
      const trainLoss = runEpoch(run, epoch, part, runs.length)
      if (trainLoss === null) break
      outcomes.push({ trainLoss, evaluation: evaluate(run) })
    }
    if (outcomes.length < runs.length) {
      cancelled = true
      break
    }
    let chosen = 0
    if (runs.length > 1) {
      // The lower dev score wins; on a tie the gentler scale, which keeps more of what the
      // inherited rows already knew.
      const key = (i: number): number => criterion(outcomes[i]!.evaluation) ?? 0
      for (let i = 1; i < runs.length; i++)
        if (
          key(i) < key(chosen) ||
          (key(i) === key(chosen) && runs[i]!.scale < runs[chosen]!.scale)
        )
          chosen = i
      runs.forEach((run, i) => rateTrial.push({ scale: run.scale, ...outcomes[i]!.evaluation }))
      runs = [runs[chosen]!]
    }
    const { trainLoss, evaluation } = outcomes[chosen]!
    latest = evaluation
    history.push({ epoch, trainLoss, ...evaluation })
    const score = criterion(evaluation)
    if (score === null) {
      // Without a dev split there is nothing to select on: keep the latest parameters.
      best = full(runs[0]!)
      bestEpoch = epoch
    } else if (bestScore === null || score < bestScore) {
      best = full(runs[0]!)
      bestScore = score
      bestEpoch = epoch
      sinceBest = 0
    } else if (adapterJoined(epoch) && ++sinceBest >= o.patience) {
      // Patience counts from the adapter's joining: the head-alone epochs used to count, so
      // that with 2 of them and patience 3 the adapter trained a single epoch.
      stoppedEarly = true
    }
  }
  return {
    params: copyParams(best),
    history,
    bestEpoch,
    initial,
    stoppedEarly,
    cancelled,
    skipped: indices(trainExamples, false),
    devSkipped: indices(devExamples, false),
    steps,
    inheritedScale: anyInherited && runs.length === 1 ? runs[0]!.scale : null,
    rateTrial,
  }
}
