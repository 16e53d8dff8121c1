import { calibrationMinimumWords } from '../../../shared/domain/asr'
import { wordFeatureNames, LOG_PROB_FLOOR, type WordFeatures } from './word-features'

/**
 * Word confidence as the probability that the word is right (docs/metrics.md, "Word confidence,
 * calibrated"). A calibration is a logistic model over some of a word's raw scores
 * (word-features.ts), fitted on the dev split: one score with a slope and an offset (Platt
 * scaling; temperature scaling is the same without the offset) or several together. Which one
 * is chosen by cross-validated log-loss on the dev words themselves. Pure numerics, no I/O.
 */

export interface CalibrationModel {
  /** "logistic" (several scores) or the one score's name. */
  name: string
  /** Indices into `wordFeatureNames` of the scores it reads. */
  features: number[]
  /** Standardisation of the transformed scores (subtract mean, divide by scale). */
  mean: number[]
  scale: number[]
  weights: number[]
  bias: number
}

/** A dev word: its raw scores, whether it was right, and its utterance (folds keep them together). */
export interface LabelledWord {
  features: WordFeatures
  correct: boolean
  group: number
}

const EPS = 1e-4
const clampP = (p: number): number => Math.min(1 - EPS, Math.max(EPS, p))
const logit = (p: number): number => {
  const q = clampP(p)
  return Math.log(q / (1 - q))
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))
}

/**
 * A raw score on the scale the logistic model is linear in: probabilities as log-odds,
 * log-probabilities as they are (floored), counts as logarithms.
 */
export function transformFeature(index: number, value: number): number {
  switch (wordFeatureNames[index]) {
    case 'meanLogProb':
    case 'minLogProb':
      return Math.max(LOG_PROB_FLOOR, value)
    case 'length':
      return Math.log(Math.max(1, value))
    case 'frames':
      return Math.log(1 + value)
    default:
      return logit(value)
  }
}

/** P(word correct) under a calibration. */
export function calibratedConfidence(model: CalibrationModel, features: WordFeatures): number {
  let z = model.bias
  model.features.forEach((f, k) => {
    z +=
      (model.weights[k]! * (transformFeature(f, features[f]!) - model.mean[k]!)) / model.scale[k]!
  })
  return sigmoid(z)
}

/** Mean log-loss (natural log) of probabilities against outcomes. */
export function logLoss(p: readonly number[], y: readonly boolean[]): number {
  let sum = 0
  p.forEach((q, i) => (sum -= Math.log(y[i] ? clampP(q) : 1 - clampP(q))))
  return sum / Math.max(1, p.length)
}

/**
 * Logistic regression by Newton's method: minimises Σ log-loss + (λ/2)·|w|² (the offset is not
 * penalised). `x` rows are the inputs; returns weights and offset. Converges in a few steps on
 * standardised inputs; a step that would raise the loss is halved.
 */
export function fitLogistic(
  x: readonly number[][],
  y: readonly boolean[],
  lambda = 0,
  offset = true,
): { weights: number[]; bias: number } {
  const d = x[0]?.length ?? 0
  const n = d + (offset ? 1 : 0)
  const row = (i: number): number[] => (offset ? [...x[i]!, 1] : [...x[i]!])
  const rows = x.map((_, i) => row(i))
  let beta = new Array<number>(n).fill(0)
  const objective = (b: number[]): number => {
    let f = 0
    rows.forEach((r, i) => {
      const z = dot(r, b)
      // log(1 + e^z) − y·z, computed without overflow.
      f += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - (y[i] ? z : 0)
    })
    for (let k = 0; k < d; k++) f += (lambda / 2) * b[k]! ** 2
    return f
  }
  let current = objective(beta)
  for (let iteration = 0; iteration < 100; iteration++) {
    const gradient = new Array<number>(n).fill(0)
    const hessian = Array.from({ length: n }, () => new Array<number>(n).fill(0))
    rows.forEach((r, i) => {
      const q = sigmoid(dot(r, beta))
      const residual = q - (y[i] ? 1 : 0)
      const w = Math.max(q * (1 - q), 1e-12)
      for (let a = 0; a < n; a++) {
        gradient[a]! += residual * r[a]!
        for (let b = 0; b <= a; b++) hessian[a]![b]! += w * r[a]! * r[b]!
      }
    })
    for (let k = 0; k < d; k++) {
      gradient[k]! += lambda * beta[k]!
      hessian[k]![k]! += lambda
    }
    for (let a = 0; a < n; a++) {
      hessian[a]![a]! += 1e-9
      for (let b = a + 1; b < n; b++) hessian[a]![b] = hessian[b]![a]!
    }
    const step = solve(hessian, gradient)
    let scale = 1
    let next = beta.map((b, k) => b - step[k]!)
    let value = objective(next)
    while (value > current + 1e-12 && scale > 1e-6) {
      scale /= 2
      next = beta.map((b, k) => b - scale * step[k]!)
      value = objective(next)
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * scale)))
    if (value <= current) {
      beta = next
      current = value
    }
    if (moved < 1e-10) break
  }
  return { weights: beta.slice(0, d), bias: offset ? beta[d]! : 0 }
}

/**
 * Temperature scaling of a score's log-odds z: P = σ(z / T), T fitted by maximum likelihood on
 * the dev words. Returns T (infinite when the scores carry no information at all).
 */
export function fitTemperature(logits: readonly number[], y: readonly boolean[]): number {
  const { weights } = fitLogistic(
    logits.map((z) => [z]),
    y,
    0,
    false,
  )
  return 1 / weights[0]!
}

const dot = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((s, v, i) => s + v * b[i]!, 0)

/** Gaussian elimination with partial pivoting, for the small systems Newton's method needs. */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length
  const a = matrix.map((r, i) => [...r, vector[i]!])
  for (let c = 0; c < n; c++) {
    let pivot = c
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r
    ;[a[c], a[pivot]] = [a[pivot]!, a[c]!]
    const p = a[c]![c]!
    if (Math.abs(p) < 1e-300) continue
    for (let r = 0; r < n; r++) {
      if (r === c) continue
      const f = a[r]![c]! / p
      if (f === 0) continue
      for (let k = c; k <= n; k++) a[r]![k]! -= f * a[c]![k]!
    }
  }
  return a.map((r, i) => (Math.abs(r[i]!) < 1e-300 ? 0 : r[n]! / r[i]!))
}

/** Fits a calibration on `features` of the given words, standardising them first. */
export function fitCalibrationModel(
  words: readonly LabelledWord[],
  features: number[],
  name: string,
  lambda: number,
): CalibrationModel {
  const columns = features.map((f) => words.map((w) => transformFeature(f, w.features[f]!)))
  const mean = columns.map((c) => c.reduce((s, v) => s + v, 0) / c.length)
  const scale = columns.map((c, k) => {
    const variance = c.reduce((s, v) => s + (v - mean[k]!) ** 2, 0) / c.length
    return Math.sqrt(variance) || 1
  })
  const x = words.map((_, i) => columns.map((c, k) => (c[i]! - mean[k]!) / scale[k]!))
  const fit = fitLogistic(
    x,
    words.map((w) => w.correct),
    lambda,
  )
  return { name, features, mean, scale, weights: fit.weights, bias: fit.bias }
}

/**
 * The candidates tried: every raw score alone (Platt scaling), and, from MIN_ALL_SCORES_WORDS dev
 * words, all of them together. With fewer words nine slopes would fit the dev split's noise, so
 * only one score's slope and offset are learnt, held back a little (penalty 1) so that a score
 * separating a few dozen words perfectly cannot claim certainty.
 */
export function calibrationCandidates(
  words = MIN_ALL_SCORES_WORDS,
): { name: string; features: number[]; lambda: number }[] {
  const few = words < MIN_ALL_SCORES_WORDS
  return [
    ...(few ? [] : [{ name: 'logistic', features: wordFeatureNames.map((_, i) => i), lambda: 1 }]),
    ...wordFeatureNames.map((name, i) => ({ name, features: [i], lambda: few ? 1 : 0 })),
  ]
}

/**
 * Out-of-fold probabilities: the words are dealt into `folds` by utterance, and each fold is
 * predicted by a model fitted on the others. An honest estimate of how the fit does on new words.
 */
export function crossValidated(
  words: readonly LabelledWord[],
  candidate: { name: string; features: number[]; lambda: number },
  folds = 5,
): number[] {
  const out = new Array<number>(words.length).fill(0.5)
  for (let f = 0; f < folds; f++) {
    const train = words.filter((w) => w.group % folds !== f)
    const test = words.map((w, i) => ({ w, i })).filter(({ w }) => w.group % folds === f)
    if (test.length === 0) continue
    if (!train.some((w) => w.correct) || !train.some((w) => !w.correct)) continue
    const model = fitCalibrationModel(train, candidate.features, candidate.name, candidate.lambda)
    for (const { w, i } of test) out[i] = calibratedConfidence(model, w.features)
  }
  return out
}

/** Every word as likely right as the dev words were: no score is read. */
export function baseRate(rate: number): CalibrationModel {
  return {
    name: 'base rate',
    features: [],
    mean: [],
    scale: [],
    weights: [],
    bias: Math.log(rate / (1 - rate)),
  }
}

/**
 * The fewest dev words worth a calibration: the raw scores are no probabilities (on real speech
 * they say 50 % where 5 % of words are right), so even a few dozen words calibrate better than
 * none. Below MIN_EACH_OUTCOME right (or wrong) ones, only the share of right words is learnt
 * (`baseRate`); below MIN_ALL_SCORES_WORDS, one score at a time (`calibrationCandidates`).
 */
export const MIN_DEV_WORDS = calibrationMinimumWords
export const MIN_EACH_OUTCOME = 10
export const MIN_ALL_SCORES_WORDS = 200

export type CalibrationChoice =
  | {
      model: CalibrationModel
      /** Cross-validated log-loss of every candidate, by name. */
      logLoss: Record<string, number>
      /** The chosen candidate's out-of-fold probabilities, one per word. */
      outOfFold: number[]
    }
  | { model: null; reason: string }

/** Chooses and fits the calibration for these dev words, or says why there is none. */
export function chooseCalibration(words: readonly LabelledWord[]): CalibrationChoice {
  const wrong = words.filter((w) => !w.correct).length
  const right = words.length - wrong
  if (words.length < MIN_DEV_WORDS)
    return {
      model: null,
      reason: `only ${words.length} dev words (at least ${MIN_DEV_WORDS} are needed)`,
    }
  if (wrong < MIN_EACH_OUTCOME || right < MIN_EACH_OUTCOME) {
    // Too few of one outcome to learn which words they are, but enough words to know how
    // often a word is right: every word gets that share (smoothed), not a raw score that
    // says 50 % where 99 % are wrong.
    const rate = (right + 1) / (words.length + 2)
    const model = baseRate(rate)
    return {
      model,
      logLoss: {
        [model.name]: logLoss(
          words.map(() => rate),
          words.map((w) => w.correct),
        ),
      },
      outOfFold: words.map(() => rate),
    }
  }
  const y = words.map((w) => w.correct)
  const scored = calibrationCandidates(words.length).map((c) => {
    const p = crossValidated(words, c)
    return { c, p, loss: logLoss(p, y) }
  })
  const best = scored.reduce((a, b) => (b.loss < a.loss ? b : a))
  return {
    model: fitCalibrationModel(words, best.c.features, best.c.name, best.c.lambda),
    logLoss: Object.fromEntries(scored.map((s) => [s.c.name, s.loss])),
    outOfFold: best.p,
  }
}
