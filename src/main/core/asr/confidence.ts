import type { Posteriors } from './ctc'
import type { AlignedToken } from './align'

/**
 * Frame confidence measures, as NeMo defines them (docs/metrics.md): values in [0, 1], 0 for a
 * uniform distribution over the vocabulary, 1 for a certain one.
 * - `max_prob`: (P_max^α · V^α − 1) / (V^α − 1)
 * - `tsallis`, linear normalisation: 1 + (1 − Σ p^α) / (V^(1−α) − 1)
 * - `tsallis`, exponential normalisation: (exp((1 − Σ p^α) / (1 − α)) − m) / (1 − m),
 *   m = exp((1 − V^(1−α)) / (1 − α)).
 * Both Tsallis forms are monotone in Σ p^α, so they rank frames (and, through the minimum, words)
 * identically. The exponential one squeezes everything but near-certain frames towards 0 when V
 * is large (1e-24 for a 383-phone model), so Sauti shows the linear one: numbers a person can read.
 */
export type ConfidenceMethod =
  | { name: 'max_prob'; alpha: number }
  | { name: 'tsallis'; alpha: number; normalisation?: 'lin' | 'exp' }

export const defaultConfidence: ConfidenceMethod = {
  name: 'tsallis',
  alpha: 1 / 3,
  normalisation: 'lin',
}

export function frameConfidences(
  p: Posteriors,
  method: ConfidenceMethod = defaultConfidence,
): Float32Array {
  return frameStatistics(p, method).confidence
}

/** What one pass over an utterance's posteriors gives each frame, and the whole. */
export interface FrameStatistics {
  /** Each frame's confidence under the method. */
  confidence: Float32Array
  /** Each frame's highest posterior. */
  maxProb: Float32Array
  /** Mean over frames of the posterior's entropy, divided by log V so it lies in [0, 1]. */
  entropy: number
}

/**
 * Frame confidence, highest posterior and entropy in one pass over the posteriors: decoding
 * needs all three, and the exponentials are most of their cost. With the default α = 1/3, a
 * token's probability is the cube of the p^α the Tsallis sum already took (one exponential per
 * token instead of two); terms under e^-30 are left out of both sums.
 */
export function frameStatistics(
  p: Posteriors,
  method: ConfidenceMethod = defaultConfidence,
): FrameStatistics {
  const V = p.vocab
  const a = method.alpha
  const confidenceOf = frameConfidence(method, V)
  const tsallis = method.name === 'tsallis'
  const cube = tsallis && a === 1 / 3
  const confidence = new Float32Array(p.frames)
  const maxProb = new Float32Array(p.frames)
  const lps = p.logProbs
  let entropy = 0
  for (let t = 0; t < p.frames; t++) {
    let max = Number.NEGATIVE_INFINITY
    let powerSum = 0
    let h = 0
    for (let i = t * V, end = i + V; i < end; i++) {
      const lp = lps[i]!
      if (lp > max) max = lp
      const x = lp * a
      if (tsallis && x > NEGLIGIBLE) {
        // A term under e^-30 changes no confidence (a vocabulary of thousands adds < 1e-9), and
        // most of a trained head's tokens, or a script mask's excluded ones, are far below it.
        const e = Math.exp(x)
        powerSum += e
        if (lp > NEGLIGIBLE) h -= (cube ? e * e * e : Math.exp(lp)) * lp
      } else if (lp > NEGLIGIBLE) h -= Math.exp(lp) * lp
    }
    entropy += h
    maxProb[t] = Math.exp(max)
    confidence[t] = confidenceOf(max, powerSum)
  }
  return {
    confidence,
    maxProb,
    entropy: p.frames === 0 || V < 2 ? 0 : entropy / p.frames / Math.log(V),
  }
}

/**
 * A frame's confidence under `method` over a vocabulary of V tokens, from its highest
 * log-posterior and Σ p^α (Tsallis only), with the method's constants worked out once.
 */
export function frameConfidence(
  method: ConfidenceMethod,
  V: number,
): (maxLogProb: number, powerSum: number) => number {
  const a = method.alpha
  if (method.name === 'tsallis' && a === 1)
    throw new Error('Tsallis entropy with alpha = 1 is the Gibbs entropy; use alpha ≠ 1')
  if (method.name === 'max_prob') {
    const Va = Math.pow(V, a)
    return (max) => clamp((Math.exp(max * a) * Va - 1) / (Va - 1))
  }
  const range = Math.pow(V, 1 - a) - 1
  if (method.normalisation === 'lin') return (_max, powerSum) => clamp(1 + (1 - powerSum) / range)
  const floor = Math.exp((1 - Math.pow(V, 1 - a)) / (1 - a))
  return (_max, powerSum) => clamp((Math.exp((1 - powerSum) / (1 - a)) - floor) / (1 - floor))
}

/** Exponents below this are left out of sums of exponentials (e^-30 ≈ 9e-14). */
export const NEGLIGIBLE = -30

const clamp = (x: number): number => Math.min(1, Math.max(0, x))

/**
 * A word's confidence: the minimum frame confidence over the frames its tokens occupy on the
 * alignment path. Blank frames belong to no token, so they never count.
 */
export function wordConfidences(
  frameConfidence: Float32Array,
  tokens: readonly AlignedToken[],
  wordOfToken: readonly number[],
  wordCount: number,
): (number | null)[] {
  const result: (number | null)[] = new Array(wordCount).fill(null)
  tokens.forEach((token, i) => {
    const w = wordOfToken[i]!
    if (w < 0) return
    for (let t = token.start; t < token.end; t++) {
      const c = frameConfidence[t]!
      result[w] = result[w] === null ? c : Math.min(result[w]!, c)
    }
  })
  return result
}

/** An utterance's confidence: the mean of its words' (a word the model could not align counts 0). */
export function utteranceConfidence(words: readonly (number | null)[]): number | null {
  if (words.length === 0) return null
  return words.reduce<number>((sum, c) => sum + (c ?? 0), 0) / words.length
}
