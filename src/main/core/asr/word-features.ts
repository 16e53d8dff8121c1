import { align } from '../../../shared/metrics/errors'
import type { AlignedToken } from './align'
import { frameStatistics } from './confidence'
import type { Posteriors } from './ctc'

/**
 * The raw scores of one hypothesis word that calibration (calibration.ts) turns into
 * P(word correct). Each is measured where the word's tokens sit on the forced-alignment path;
 * docs/metrics.md ("Word confidence, calibrated") says what each one is and how they rank.
 */
export const wordFeatureNames = [
  /** Minimum Tsallis (α = 1/3, linear) frame confidence: the uncalibrated word confidence. */
  'tsallisMin',
  /** Mean log-posterior of the word's tokens over their frames on the path. */
  'meanLogProb',
  /** Lowest log-posterior of any of the word's frames on the path. */
  'minLogProb',
  /** Mean over the word's frames of the frame's highest posterior. */
  'maxProbMean',
  /** Share of the N-best list's probability whose hypothesis has this word at this place. */
  'nbestAgreement',
  /** Letters (or phones) in the word. */
  'length',
  /** Frames the word's tokens occupy. */
  'frames',
  /** The whole hypothesis' per-token probability: the utterance around the word. */
  'hypothesisTokenProb',
] as const

export type WordFeatureName = (typeof wordFeatureNames)[number]

/** One word's raw scores, in the order of `wordFeatureNames`. */
export type WordFeatures = number[]

/** Log-probabilities are floored here: a word the path never reaches scores this. */
export const LOG_PROB_FLOOR = -30

/** For each frame, its highest posterior. */
export function frameMaxProbs(p: Posteriors): Float32Array {
  return frameStatistics(p).maxProb
}

export interface WordFeatureInput {
  p: Posteriors
  frameConfidence: Float32Array
  maxProb: Float32Array
  /** The aligned tokens, their target ids and words (encodeText's `ids` and `wordOfToken`). */
  tokens: readonly AlignedToken[]
  targets: readonly number[]
  wordOfToken: readonly number[]
  wordCount: number
  /** Per word, from `nbestAgreement`. */
  agreement: readonly number[]
  words: readonly string[]
  hypothesisTokenProb: number
}

/** Every word's raw scores (`wordFeatureNames`), rounded to 5 significant digits for storage. */
export function wordFeatures(input: WordFeatureInput): WordFeatures[] {
  const { p } = input
  const acc = Array.from({ length: input.wordCount }, () => ({
    tsallis: Number.POSITIVE_INFINITY,
    logSum: 0,
    logMin: 0,
    maxSum: 0,
    frames: 0,
  }))
  input.tokens.forEach((token, i) => {
    const w = input.wordOfToken[i]!
    if (w < 0) return
    const a = acc[w]!
    for (let t = token.start; t < token.end; t++) {
      const lp = Math.max(LOG_PROB_FLOOR, p.logProbs[t * p.vocab + input.targets[i]!]!)
      a.tsallis = Math.min(a.tsallis, input.frameConfidence[t]!)
      a.logSum += lp
      a.logMin = Math.min(a.logMin, lp)
      a.maxSum += input.maxProb[t]!
      a.frames++
    }
  })
  return acc.map((a, w) =>
    [
      a.frames ? a.tsallis : 0,
      a.frames ? a.logSum / a.frames : LOG_PROB_FLOOR,
      a.frames ? a.logMin : LOG_PROB_FLOOR,
      a.frames ? a.maxSum / a.frames : 0,
      input.agreement[w] ?? 1,
      [...(input.words[w] ?? '')].length,
      a.frames,
      input.hypothesisTokenProb,
    ].map(round),
  )
}

const round = (x: number): number => (Number.isFinite(x) ? Number(x.toPrecision(5)) : x)

/**
 * For each word of each hypothesis, the posterior mass of the N-best list that agrees with it:
 * Σ_j P(j) · [hypothesis j has the same word aligned to it], with P(j) the list's scores
 * normalised over the list (a confusion-network posterior, approximated on the N-best).
 */
export function nbestAgreement(
  hypotheses: readonly { words: readonly string[]; logProb: number }[],
): number[][] {
  const max = Math.max(...hypotheses.map((h) => h.logProb))
  const weights = hypotheses.map((h) => Math.exp(h.logProb - max))
  const total = weights.reduce((s, w) => s + w, 0)
  return hypotheses.map((h, i) => {
    const agree = new Array<number>(h.words.length).fill(0)
    hypotheses.forEach((other, j) => {
      const share = weights[j]! / total
      if (i === j) {
        for (let k = 0; k < agree.length; k++) agree[k]! += share
        return
      }
      let k = 0
      for (const op of align(other.words, h.words).ops) {
        if (op.op === 'del') continue
        if (op.op === 'ok') agree[k]! += share
        k++
      }
    })
    return agree
  })
}
