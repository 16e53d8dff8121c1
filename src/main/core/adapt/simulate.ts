import type { AcquisitionStrategy } from '../../../shared/domain'
import { prefixBeamSearch } from '../asr/beam-search'
import { greedyDecode, type Posteriors } from '../asr/ctc'
import { meanFrameEntropy, meanPool } from '../asr/decode-utterance'
import type { Vocabulary } from '../asr/vocab'
import type { CostObservation } from '../../../shared/metrics/prefill'
import { posteriors, type AdapterHeadParams, type AdapterHeadShape } from '../train/adapter-head'
import { train, type TrainResult } from '../train/trainer'
import { rankPool, type PoolItem } from './acquisition'
import { emptyTally, headCalibration, shownHypothesis, tallyPick } from './simulate-prefill'
import { devScores, loadExamples, startingParams, type Loaded } from './train-job'
import type { TrainExampleRef, TrainHyperparameters, TrainJobRequest } from './train-protocol'

export interface SimulationExampleRef extends TrainExampleRef {
  speakerId: number
  durationSec: number
  /** The annotator flagged it (noise, another language…): it costs its length, trains nothing. */
  flagged?: boolean
}

export interface SimulationRequest {
  /** The train split: what the simulated annotator may be asked to transcribe. */
  pool: SimulationExampleRef[]
  dev: TrainExampleRef[]
  test: TrainExampleRef[]
  vocabulary: Vocabulary
  baseHead: TrainJobRequest['baseHead']
  shape: AdapterHeadShape
  hyper: TrainHyperparameters
  strategies: AcquisitionStrategy[]
  budgetSec: number
  stepSec: number
  seeds: number
  stop: SharedArrayBuffer
}

export interface CurvePoint {
  labelledSec: number
  labelled: number
  /** Of labelledSec, the seconds spent on utterances the annotator flagged. */
  flaggedSec: number
  /**
   * What correcting this step's picks cost the simulated annotator: the head's hypotheses
   * before it trained on them against the transcripts (docs/metrics.md, "The annotator's
   * cost"); null at the start, where nothing was picked.
   */
  editCost: number | null
  /** Keystrokes ÷ typing from scratch, every pick pre-filled with the hypothesis. */
  keystrokeShare: number | null
  /** The same, every pick started empty (typing, plus putting the cursor there). */
  keystrokeShareEmpty: number | null
  /** The same, each pick pre-filled or started empty as the app would decide (metrics/prefill.ts). */
  keystrokeSharePolicy: number | null
  /** Share of the step's picks the app would start empty. */
  startedEmptyShare: number | null
  /** The utterances this step picked, in order: what a strategy chooses, for a benchmark to read. */
  picked: number[]
  devCer: number
  devWer: number
  testCer: number
  testWer: number
}

export interface SimulationCurve {
  strategy: AcquisitionStrategy
  seed: number
  points: CurvePoint[]
}

export interface SimulationResult {
  curves: SimulationCurve[]
  cancelled: boolean
  ms: number
}

interface PoolExample extends Loaded {
  speakerId: number
  durationSec: number
  flagged: boolean
  embedding: Float32Array
}

/** What the current head says about one pool utterance: the measures strategies rank by. */
function measure(
  params: AdapterHeadParams,
  e: PoolExample,
  vocabulary: Vocabulary,
  withMargin: boolean,
): PoolItem {
  const p: Posteriors = posteriors(params, e.hidden, e.frames)
  const best = greedyDecode(p, vocabulary.blank)
  let margin: number | null = null
  if (withMargin) {
    const beams = prefixBeamSearch(p, {
      blank: vocabulary.blank,
      beamWidth: 4,
      nBest: 2,
      tokenPruning: 8,
      maxTokensPerFrame: 4,
    })
    margin = beams[1] ? beams[0]!.logProb - beams[1].logProb : null
  }
  return {
    id: e.utteranceId,
    speakerId: e.speakerId,
    durationSec: e.durationSec,
    leastConfidence: 1 - Math.exp(best.logProb / (best.tokens.length + 1)),
    entropy: meanFrameEntropy(p),
    margin,
    disagreement: null,
    embedding: e.embedding,
  }
}

/**
 * The active-learning loop with an oracle, in the training worker: for each strategy and seed,
 * start from the same first checkpoint (base head rows, fresh adapter), and repeatedly let the
 * strategy pick `stepSec` of audio from the pool, "transcribe" it with the reference, train the
 * child from its parent as the app does, and score dev and test. Random is the baseline.
 */
export async function runSimulation(
  request: SimulationRequest,
  progress: (fraction: number, label?: string) => void,
): Promise<SimulationResult> {
  const started = performance.now()
  const stopFlag = new Int32Array(request.stop)
  const shouldStop = (): boolean => Atomics.load(stopFlag, 0) === 1
  const loaded = await loadExamples(request.pool)
  const pool: PoolExample[] = loaded.map((e, i) => ({
    ...e,
    speakerId: request.pool[i]!.speakerId,
    durationSec: request.pool[i]!.durationSec,
    flagged: request.pool[i]!.flagged === true,
    embedding: meanPool(e.hidden, e.frames, request.shape.dim),
  }))
  const dev = await loadExamples(request.dev)
  const test = await loadExamples(request.test)
  const rounds = Math.ceil(request.budgetSec / request.stepSec)
  const total = request.strategies.length * request.seeds * rounds
  let done = 0
  const curves: SimulationCurve[] = []
  for (const strategy of request.strategies)
    for (let seed = 1; seed <= request.seeds; seed++) {
      if (shouldStop()) return { curves, cancelled: true, ms: performance.now() - started }
      const hyper = { ...request.hyper, seed }
      const start = startingParams({ ...request, hyper }, null)
      let params = start.params
      // The first child starts from the base head's rows (inherited) and a fresh adapter (new);
      // every later one from its parent, all of it inherited, as in the app.
      let inherited = start.inherited
      const score = (): Pick<CurvePoint, 'devCer' | 'devWer' | 'testCer' | 'testWer'> => {
        // Greedy: the simulation compares strategies with each other, many times over.
        const d = devScores(params, request.vocabulary, dev, 'greedy')
        const t = devScores(params, request.vocabulary, test, 'greedy')
        return { devCer: d.cer, devWer: d.wer, testCer: t.cer, testWer: t.wer }
      }
      const labelled = new Set<number>()
      /** The simulated annotator's corrections so far, as the app's history of them. */
      const history: (CostObservation & { calibrated: boolean })[] = []
      let labelledSec = 0
      let flaggedSec = 0
      const points: CurvePoint[] = [
        {
          labelledSec: 0,
          labelled: 0,
          flaggedSec: 0,
          editCost: null,
          keystrokeShare: null,
          keystrokeShareEmpty: null,
          keystrokeSharePolicy: null,
          startedEmptyShare: null,
          picked: [],
          ...score(),
        },
      ]
      for (let round = 1; round <= rounds && labelled.size < pool.length; round++) {
        if (shouldStop()) return { curves, cancelled: true, ms: performance.now() - started }
        const remaining = pool.filter((e) => !labelled.has(e.utteranceId))
        const speakerCorrected = new Map<number, number>()
        for (const e of pool)
          if (labelled.has(e.utteranceId) && !e.flagged)
            speakerCorrected.set(e.speakerId, (speakerCorrected.get(e.speakerId) ?? 0) + 1)
        const reviewed = pool.filter((e) => labelled.has(e.utteranceId))
        const items = remaining.map((e) =>
          measure(params, e, request.vocabulary, strategy === 'margin'),
        )
        const ranked = rankPool(items, strategy, {
          labelled: reviewed.filter((e) => !e.flagged).map((e) => e.embedding),
          flagged: reviewed.filter((e) => e.flagged).map((e) => e.embedding),
          speakerCorrected,
          corrected: labelled.size,
          seed,
        })
        const target = Math.min(request.budgetSec, round * request.stepSec)
        const byId = new Map(pool.map((e) => [e.utteranceId, e]))
        const cost = { edits: 0, length: 0 }
        const keys = emptyTally()
        // The app calibrates every checkpoint on dev; its editor reads confidence through that.
        const calibration = headCalibration(params, request.vocabulary, dev)
        const picked: number[] = []
        for (const r of ranked) {
          if (labelledSec >= target) break
          const e = byId.get(r.id)!
          labelled.add(r.id)
          picked.push(r.id)
          labelledSec += e.durationSec
          if (e.flagged) flaggedSec += e.durationSec
          else {
            // The annotator is shown the current head's hypothesis, or an empty field.
            const shown = shownHypothesis(params, e, request.vocabulary, calibration)
            const c = tallyPick(keys, history, shown, e.text)
            cost.edits += c.edits
            cost.length += c.length
          }
        }
        const trainSet = pool.filter((e) => labelled.has(e.utteranceId) && !e.flagged)
        // Everything picked so far was flagged: nothing to learn from yet.
        const result =
          trainSet.length === 0
            ? { params, inheritedScale: null, rateTrial: [] }
            : train(params, trainSet, dev, {
                learningRate: hyper.learningRate,
                adapterLearningRate: hyper.adapterLearningRate,
                headWarmupEpochs: hyper.headWarmupEpochs,
                inherited,
                weightDecay: hyper.weightDecay,
                clipNorm: hyper.clipNorm,
                batchFrames: hyper.batchFrames,
                maxEpochs: hyper.maxEpochs,
                patience: hyper.patience,
                seed,
                blank: request.vocabulary.blank,
                shouldStop,
                evaluate: (p) => devScores(p, request.vocabulary, dev, 'greedy').cer,
              })
        params = result.params
        inherited = new Uint8Array(params.data.length).fill(1)
        const point = {
          labelledSec,
          labelled: labelled.size,
          flaggedSec,
          editCost: cost.length ? cost.edits / cost.length : null,
          keystrokeShare: keys.typing ? keys.prefilled / keys.typing : null,
          keystrokeShareEmpty: keys.typing ? keys.empty / keys.typing : null,
          keystrokeSharePolicy: keys.typing ? keys.policy / keys.typing : null,
          startedEmptyShare: keys.picks ? keys.startedEmpty / keys.picks : null,
          picked,
          ...score(),
        }
        points.push(point)
        progress(
          ++done / total,
          `${strategy} seed ${seed}: ${(labelledSec / 60).toFixed(1)} min labelled, dev CER ${(point.devCer * 100).toFixed(1)} %, WER ${(point.devWer * 100).toFixed(1)} %${rateText(result)}`,
        )
      }
      curves.push({ strategy, seed, points })
    }
  return { curves, cancelled: false, ms: performance.now() - started }
}

/** The rate trial's outcome for the progress line: the scale chosen and each candidate's dev CER. */
function rateText(result: Pick<TrainResult, 'inheritedScale' | 'rateTrial'>): string {
  if (result.inheritedScale === null) return ''
  const trial = result.rateTrial
    .map((c) => `×${c.scale} ${((c.devMetric ?? NaN) * 100).toFixed(1)} %`)
    .join(', ')
  return `; inherited rows at ×${result.inheritedScale}${trial ? ` (first epoch: ${trial})` : ''}`
}
