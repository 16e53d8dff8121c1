import type { AcquisitionStrategy } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WorkControl } from '../jobs'
import { ensureHiddenStates, recoverBaseHead, trainingRefs, type AdaptContext } from './features'
import { assignSplits, flaggedUtterances, labelledUtterances } from './dataset'
import { adaptationSettings, hyperparameters } from './settings'
import type { CurvePoint, SimulationResult } from './simulate'
import { buildVocabulary } from './vocabulary'
import { WER_SATURATED } from './compare'

function metricOf(result: SimulationResult): SimulationMetric {
  const random = result.curves.filter((c) => c.strategy === 'random').map((c) => c.points)
  return random.length ? simulationMetric(meanCurve(random)) : 'devWer'
}

export interface SimulationOptions extends WorkControl {
  strategies: AcquisitionStrategy[]
  budgetMinutes: number
  stepMinutes: number
  seeds: number
  /** Fewer epochs than a real training: the loop trains strategies × seeds × steps times. */
  maxEpochs?: number
}

/** A number over seeds: its mean and how far the seeds spread. */
export interface OverSeeds {
  mean: number
  min: number
  max: number
  /** Population standard deviation over the seeds (0 with one seed). */
  sd: number
}

/** One strategy's learning curve averaged over seeds, and how it compares with random. */
export interface StrategySummary {
  strategy: AcquisitionStrategy
  /** Mean over seeds, per step: labelled minutes and dev/test error rates. */
  curve: {
    minutes: number
    /** Of those minutes, the ones spent on utterances the annotator flagged. */
    flaggedMinutes: number
    devWer: number
    devCer: number
    testWer: number
    testCer: number
    /** The mean annotator's cost of the step's picks (null at the start). */
    editCost: number | null
    /** Keystrokes ÷ typing: always pre-filled, always empty, and as the app decides. */
    keystrokeShare: number | null
    keystrokeShareEmpty: number | null
    keystrokeSharePolicy: number | null
    startedEmptyShare: number | null
  }[]
  finalDevWer: number
  finalTestWer: number
  /** The final point over seeds, each rate with its spread. */
  final: { devWer: OverSeeds; devCer: OverSeeds; testWer: OverSeeds; testCer: OverSeeds }
  /** Labelled minutes this strategy needs to reach random's final dev error (null: see noFraction). */
  minutesToRandomFinal: number | null
  /** minutesToRandomFinal ÷ random's labelled minutes at the budget. */
  fractionOfRandomBudget: number | null
  /**
   * Why there is no fraction: random's own curve never improved on where every strategy
   * started (then "reaching random's final" means nothing), or this strategy never got there.
   */
  noFraction: 'random-did-not-improve' | 'not-reached' | null
  /** (random's final dev error − this one's) ÷ random's, on the mean curves: > 0 is better. */
  relativeGainAtBudget: number
  /** The same gain per seed (against random's mean final): its spread. */
  gainOverSeeds: OverSeeds
}

/** The mean curve over seeds (seeds may stop at different labelled seconds; those are averaged too). */
function meanCurve(points: CurvePoint[][]): StrategySummary['curve'] {
  const length = Math.min(...points.map((p) => p.length))
  const mean = (f: (p: CurvePoint) => number, i: number): number =>
    points.reduce((s, p) => s + f(p[i]!), 0) / points.length
  return Array.from({ length }, (_, i) => ({
    minutes: mean((p) => p.labelledSec, i) / 60,
    flaggedMinutes: mean((p) => p.flaggedSec, i) / 60,
    devWer: mean((p) => p.devWer, i),
    devCer: mean((p) => p.devCer, i),
    testWer: mean((p) => p.testWer, i),
    testCer: mean((p) => p.testCer, i),
    editCost: meanOrNull(points.map((p) => p[i]!.editCost)),
    keystrokeShare: meanOrNull(points.map((p) => p[i]!.keystrokeShare)),
    keystrokeShareEmpty: meanOrNull(points.map((p) => p[i]!.keystrokeShareEmpty)),
    keystrokeSharePolicy: meanOrNull(points.map((p) => p[i]!.keystrokeSharePolicy)),
    startedEmptyShare: meanOrNull(points.map((p) => p[i]!.startedEmptyShare)),
  }))
}

function meanOrNull(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null)
  return known.length ? known.reduce((s, v) => s + v, 0) / known.length : null
}

export function overSeeds(values: number[]): OverSeeds {
  const mean = values.reduce((s, v) => s + v, 0) / values.length
  return {
    mean,
    min: Math.min(...values),
    max: Math.max(...values),
    sd: Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length),
  }
}

/** The error rate a simulation compares on: WER, or CER while random's WER is saturated. */
export type SimulationMetric = 'devWer' | 'devCer'

export function simulationMetric(randomCurve: StrategySummary['curve']): SimulationMetric {
  const last = randomCurve.at(-1)
  return last && last.devWer < WER_SATURATED ? 'devWer' : 'devCer'
}

/**
 * Where a falling curve first reaches `target` after its start, by linear interpolation
 * between steps; null if it never does. The start (nothing labelled) does not count: every
 * strategy shares it.
 */
export function minutesToReach(
  curve: StrategySummary['curve'],
  target: number,
  metric: SimulationMetric = 'devWer',
): number | null {
  for (let i = 1; i < curve.length; i++) {
    const p = curve[i]!
    if (p[metric] > target) continue
    const q = curve[i - 1]!
    // From the start already at the target: the first step is where the strategy gets there.
    const f = q[metric] <= target ? 1 : (q[metric] - target) / (q[metric] - p[metric])
    return q.minutes + f * (p.minutes - q.minutes)
  }
  return null
}

/** Random improved on its start when its final error is lower by at least 1 % (relative) and half a point. */
function improved(curve: StrategySummary['curve'], metric: SimulationMetric): boolean {
  const first = curve[0]?.[metric]
  const last = curve.at(-1)?.[metric]
  return first !== undefined && last !== undefined && last < first - Math.max(0.005, 0.01 * first)
}

export function summarise(result: SimulationResult): StrategySummary[] {
  const strategies = [...new Set(result.curves.map((c) => c.strategy))]
  const seedsOf = (s: AcquisitionStrategy): CurvePoint[][] =>
    result.curves.filter((c) => c.strategy === s).map((c) => c.points)
  const curves = new Map(strategies.map((s) => [s, meanCurve(seedsOf(s))]))
  const random = curves.get('random')
  const metric = random ? simulationMetric(random) : 'devWer'
  const randomFinal = random?.at(-1)
  const randomImproved = random ? improved(random, metric) : false
  const pointMetric = metric === 'devWer' ? 'devWer' : 'devCer'
  return strategies.map((strategy) => {
    const curve = curves.get(strategy)!
    const last = curve.at(-1)!
    const finals = seedsOf(strategy).map((p) => p.at(-1)!)
    const minutes =
      randomFinal && randomImproved ? minutesToReach(curve, randomFinal[metric], metric) : null
    const gain = (value: number): number =>
      randomFinal && randomFinal[metric] > 0
        ? (randomFinal[metric] - value) / randomFinal[metric]
        : 0
    return {
      strategy,
      curve,
      finalDevWer: last.devWer,
      finalTestWer: last.testWer,
      final: {
        devWer: overSeeds(finals.map((p) => p.devWer)),
        devCer: overSeeds(finals.map((p) => p.devCer)),
        testWer: overSeeds(finals.map((p) => p.testWer)),
        testCer: overSeeds(finals.map((p) => p.testCer)),
      },
      minutesToRandomFinal: minutes,
      fractionOfRandomBudget:
        minutes !== null && randomFinal ? minutes / randomFinal.minutes : null,
      noFraction: !randomImproved
        ? 'random-did-not-improve'
        : minutes === null
          ? 'not-reached'
          : null,
      relativeGainAtBudget: gain(last[metric]),
      gainOverSeeds: overSeeds(finals.map((p) => gain(p[pointMetric]))),
    }
  })
}

export interface SimulationReport {
  options: Omit<SimulationOptions, 'signal' | 'onProgress'>
  /** The error rate the strategies are compared on (WER, or CER while random's WER is saturated). */
  metric: SimulationMetric
  poolUtterances: number
  poolMinutes: number
  /** Of the pool, what annotators flagged instead of transcribing: listening time, no labels. */
  poolFlagged: number
  poolFlaggedMinutes: number
  devUtterances: number
  testUtterances: number
  summaries: StrategySummary[]
  result: SimulationResult
}

/**
 * `sauti simulate`: the loop with an oracle. The project's reference transcripts (imported or
 * corrected) play the annotator; the train split is the pool, dev picks checkpoints, test is
 * reported. Each strategy (random always among them) runs `seeds` times. Nothing is stored in
 * the project but its speakers' splits (assigned once, as training would) and cached features.
 */
export async function simulateProject(
  ctx: AdaptContext,
  options: SimulationOptions,
): Promise<SimulationReport> {
  const { db } = ctx
  const now = new Date().toISOString()
  assignSplits(db, now)
  const labelled = labelledUtterances(db, now)
  const pool = labelled.filter((u) => u.split === 'train')
  // Flagged utterances of the pool cost the simulated annotator their length and teach nothing.
  const flagged = flaggedUtterances(db, now).filter((u) => u.split === 'train')
  const flaggedSec = flagged.reduce((s, u) => s + u.endSec - u.startSec, 0)
  const dev = labelled.filter((u) => u.split === 'dev')
  const test = labelled.filter((u) => u.split === 'test')
  const poolSec = pool.reduce((s, u) => s + u.endSec - u.startSec, 0)
  if (dev.length === 0 || test.length === 0)
    throw new SautiError(
      'bad_input',
      `a simulation needs transcribed dev and test speakers (this project has ${dev.length} dev and ${test.length} test utterances): import transcripts from at least 4 speakers who consent to model training.`,
    )
  if (poolSec < options.budgetMinutes * 60)
    throw new SautiError(
      'bad_input',
      `the budget (${options.budgetMinutes} min) is more than the transcribed training pool (${(poolSec / 60).toFixed(1)} min).`,
    )
  options.onProgress?.(0, 100, 'Preparing features')
  await ensureHiddenStates(ctx, [...labelled, ...flagged])
  const dim = ctx.model.registration.report.hiddenSize
  if (!dim)
    throw new SautiError('bad_input', `${ctx.model.dir}: the model has no hidden_states output.`)
  const settings = adaptationSettings(db)
  const vocabulary = buildVocabulary(
    null,
    pool.map((u) => u.text),
  )
  const refs = trainingRefs(ctx, vocabulary)
  const strategies = [...new Set<AcquisitionStrategy>(['random', ...options.strategies])]
  const result = await ctx.training.simulate(
    {
      pool: [
        ...refs(pool).map((r, i) => ({
          ...r,
          speakerId: pool[i]!.speakerId,
          durationSec: pool[i]!.endSec - pool[i]!.startSec,
        })),
        ...refs(flagged.map((u) => ({ ...u, text: '' }))).map((r, i) => ({
          ...r,
          speakerId: flagged[i]!.speakerId,
          durationSec: flagged[i]!.endSec - flagged[i]!.startSec,
          flagged: true,
        })),
      ],
      dev: refs(dev),
      test: refs(test),
      vocabulary,
      baseHead: await recoverBaseHead(ctx, pool),
      shape: { dim, bottleneck: settings.bottleneck, vocab: vocabulary.tokens.length },
      hyper: hyperparameters(settings, {
        maxEpochs: options.maxEpochs ?? Math.min(settings.maxEpochs, 20),
        patience: Math.min(settings.patience, 3),
        seed: 1,
      }),

      strategies,
      budgetSec: options.budgetMinutes * 60,
      stepSec: options.stepMinutes * 60,
      seeds: options.seeds,
    },
    options.signal,
    (f, label) => options.onProgress?.(Math.round(f * 100), 100, label ?? 'Simulating'),
  )
  const kept = {
    strategies,
    budgetMinutes: options.budgetMinutes,
    stepMinutes: options.stepMinutes,
    seeds: options.seeds,
    maxEpochs: options.maxEpochs,
  }
  return {
    options: kept,
    poolUtterances: pool.length + flagged.length,
    poolMinutes: (poolSec + flaggedSec) / 60,
    poolFlagged: flagged.length,
    poolFlaggedMinutes: flaggedSec / 60,
    devUtterances: dev.length,
    testUtterances: test.length,
    metric: metricOf(result),
    summaries: summarise(result),
    result,
  }
}
