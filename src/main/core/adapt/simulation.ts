import type { AcquisitionStrategy } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { ensureHiddenStates, recoverBaseHead, trainingRefs, type AdaptContext } from './features'
import { assignSplits, flaggedUtterances, labelledUtterances } from './dataset'
import { adaptationSettings, hyperparameters } from './settings'
import type { CurvePoint, SimulationResult } from './simulate'
import { buildVocabulary } from './vocabulary'

export interface SimulationOptions {
  strategies: AcquisitionStrategy[]
  budgetMinutes: number
  stepMinutes: number
  seeds: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number, label: string) => void
  /** Fewer epochs than a real training: the loop trains strategies × seeds × steps times. */
  maxEpochs?: number
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
  }[]
  finalDevWer: number
  finalTestWer: number
  /** Labelled minutes this strategy needs to reach random's final dev WER (null: never). */
  minutesToRandomFinal: number | null
  /** minutesToRandomFinal ÷ random's labelled minutes at the budget. */
  fractionOfRandomBudget: number | null
  /** (random's final dev WER − this one's) ÷ random's: > 0 is better than random. */
  relativeGainAtBudget: number
}

export interface SimulationReport {
  options: Omit<SimulationOptions, 'signal' | 'onProgress'>
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
  }))
}

/** Where a falling curve first reaches `target`, by linear interpolation between steps. */
export function minutesToReach(curve: StrategySummary['curve'], target: number): number | null {
  for (let i = 0; i < curve.length; i++) {
    const p = curve[i]!
    if (p.devWer > target) continue
    if (i === 0) return p.minutes
    const q = curve[i - 1]!
    const f = q.devWer === p.devWer ? 1 : (q.devWer - target) / (q.devWer - p.devWer)
    return q.minutes + f * (p.minutes - q.minutes)
  }
  return null
}

export function summarise(result: SimulationResult): StrategySummary[] {
  const strategies = [...new Set(result.curves.map((c) => c.strategy))]
  const curves = new Map(
    strategies.map((s) => [
      s,
      meanCurve(result.curves.filter((c) => c.strategy === s).map((c) => c.points)),
    ]),
  )
  const random = curves.get('random')
  const randomFinal = random?.at(-1)
  return strategies.map((strategy) => {
    const curve = curves.get(strategy)!
    const last = curve.at(-1)!
    const minutes = randomFinal ? minutesToReach(curve, randomFinal.devWer) : null
    return {
      strategy,
      curve,
      finalDevWer: last.devWer,
      finalTestWer: last.testWer,
      minutesToRandomFinal: minutes,
      fractionOfRandomBudget:
        minutes !== null && randomFinal ? minutes / randomFinal.minutes : null,
      relativeGainAtBudget:
        randomFinal && randomFinal.devWer > 0
          ? (randomFinal.devWer - last.devWer) / randomFinal.devWer
          : 0,
    }
  })
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
    (f) => options.onProgress?.(Math.round(f * 100), 100, 'Simulating'),
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
    summaries: summarise(result),
    result,
  }
}
