import {
  defaultConfidence,
  frameConfidence,
  type ConfidenceMethod,
  type FrameStatistics,
} from './confidence'
import { allTokens, type Logits, type Posteriors } from './ctc'

/** A log-probability of zero probability that keeps entropy sums finite (0 · -1e4 = 0). */
export const EXCLUDED = -1e4

/** The indices of the tokens a mask allows (script-mask.ts `allowedTokens`), in order. */
export function keptTokens(allowed: readonly boolean[]): Int32Array {
  return Int32Array.from(allowed.flatMap((ok, v) => (ok ? [v] : [])))
}

/**
 * A model's logits to what decoding reads, in one pass per frame: the log-posteriors over the
 * `kept` tokens (all of them when null; the others get EXCLUDED) and the frame statistics of
 * `frameStatistics` (confidence.ts), from the same exponentials. With the default α = 1/3 each
 * kept token costs one exponential, e^((s − max)/3), whose cube is its share of the softmax;
 * labelling had taken one for the softmax and another for the statistics, and visited every
 * token of the vocabulary for the statistics. `out`, when long enough, holds the log-posteriors
 * (a buffer reused from utterance to utterance); else a new array does.
 */
export function normaliseLogits(
  logits: Logits,
  kept: Int32Array | null,
  method: ConfidenceMethod = defaultConfidence,
  out?: Float32Array,
): { posteriors: Posteriors; statistics: FrameStatistics } {
  const { frames, vocab, values } = logits
  const size = frames * vocab
  const logProbs = out && out.length >= size ? out.subarray(0, size) : new Float32Array(size)
  if (kept) logProbs.fill(EXCLUDED)
  const tokens = kept ?? allTokens(vocab)
  const a = method.alpha
  const confidenceOf = frameConfidence(method, vocab)
  const confidence = new Float32Array(frames)
  const maxProb = new Float32Array(frames)
  let entropy = 0
  // A frame at a time, in a function of its own: a loop over the frames that did the work
  // itself was compiled while it ran, and left its compiled code at every return.
  const sums = new Float64Array(3)
  for (let t = 0; t < frames; t++) {
    const logSum = normaliseFrame(values, t * vocab, tokens, method, logProbs, sums)
    const sum = sums[0]!
    // p = e / sum, so Σ p^α = power / sum^α, −Σ p·log p = log sum − weighted / sum, and the
    // best token's probability is 1 / sum.
    entropy += logSum - sums[2]! / sum
    maxProb[t] = 1 / sum
    confidence[t] = confidenceOf(-logSum, sums[1]! * Math.exp(-a * logSum))
  }
  return {
    posteriors: { frames, vocab, logProbs, tokens: kept ?? undefined },
    statistics: {
      confidence,
      maxProb,
      entropy: frames === 0 || vocab < 2 ? 0 : entropy / frames / Math.log(vocab),
    },
  }
}

/**
 * One frame's log-posteriors over `tokens`, written into `logProbs`; returns log Σ e and leaves
 * in `sums`, relative to the best token (e = e^(s − max)): Σ e, Σ e^(α(s − max)) and
 * Σ e·(s − max).
 */
function normaliseFrame(
  values: Float32Array,
  row: number,
  tokens: Int32Array,
  method: ConfidenceMethod,
  logProbs: Float32Array,
  sums: Float64Array,
): number {
  const a = method.alpha
  const tsallis = method.name === 'tsallis'
  const cube = tsallis && a === 1 / 3
  let max = Number.NEGATIVE_INFINITY
  for (let k = 0; k < tokens.length; k++) {
    const s = values[row + tokens[k]!]!
    if (s > max) max = s
  }
  let sum = 0
  let power = 0
  let weighted = 0
  for (let k = 0; k < tokens.length; k++) {
    const d = values[row + tokens[k]!]! - max
    let e: number
    if (cube) {
      const q = Math.exp(d / 3)
      e = q * q * q
      power += q
    } else {
      e = Math.exp(d)
      if (tsallis) power += Math.exp(a * d)
    }
    sum += e
    weighted += e * d
  }
  const logSum = Math.log(sum)
  const norm = max + logSum
  for (let k = 0; k < tokens.length; k++) {
    const v = tokens[k]!
    logProbs[row + v] = values[row + v]! - norm
  }
  sums[0] = sum
  sums[1] = power
  sums[2] = weighted
  return logSum
}
