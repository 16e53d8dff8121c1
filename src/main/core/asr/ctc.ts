/**
 * CTC decoding over per-frame log-posteriors: their shapes, normalisation and greedy (best path)
 * decoding; the prefix beam search with an N-best list is beam-search.ts. Posteriors are
 * row-major [frames × vocab] log-probabilities (log-softmax applied).
 */
export interface Posteriors {
  frames: number
  vocab: number
  logProbs: Float32Array
  /**
   * When a script mask removed some: the tokens left, blank among them, in increasing order
   * (normalise.ts). The beam search tries only these; the others have no probability.
   */
  tokens?: Int32Array
}

/** A model's raw scores, row-major [frames × vocab], before any normalisation. */
export interface Logits {
  frames: number
  vocab: number
  values: Float32Array
}

export interface Hypothesis {
  tokens: number[]
  /** log P(token sequence | audio), summed over all alignments (beam) or the best path (greedy). */
  logProb: number
  /** With a language model: logProb + weight · log P_lm + word bonuses, which ranks the list. */
  score?: number
}

export function logSoftmax(logits: Float32Array, frames: number, vocab: number): Posteriors {
  const logProbs = logSoftmaxInto(logits, frames, vocab, new Float32Array(frames * vocab))
  return { frames, vocab, logProbs }
}

/**
 * Row-wise log-softmax of [frames × vocab] logits into `out`, computed in float64 whatever `out`
 * stores: float32 for decoding, float64 for the CTC loss's gradient (train/ctc-loss.ts).
 */
export function logSoftmaxInto<T extends Float32Array | Float64Array>(
  logits: Float32Array | Float64Array,
  frames: number,
  vocab: number,
  out: T,
): T {
  for (let t = 0; t < frames; t++) {
    const row = t * vocab
    let max = Number.NEGATIVE_INFINITY
    for (let v = 0; v < vocab; v++) max = Math.max(max, logits[row + v]!)
    let sum = 0
    for (let v = 0; v < vocab; v++) sum += Math.exp(logits[row + v]! - max)
    const logSum = max + Math.log(sum)
    for (let v = 0; v < vocab; v++) out[row + v] = logits[row + v]! - logSum
  }
  return out
}

export function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b
  if (b === Number.NEGATIVE_INFINITY) return a
  const max = Math.max(a, b)
  return max + Math.log1p(Math.exp(-Math.abs(a - b)))
}

/** Best path: the most likely token per frame, repeats merged, blanks removed. */
export function greedyDecode(p: Posteriors, blank: number): Hypothesis & { path: number[] } {
  const path: number[] = []
  const tokens: number[] = []
  let logProb = 0
  let previous = -1
  for (let t = 0; t < p.frames; t++) {
    const row = t * p.vocab
    let best = 0
    for (let v = 1; v < p.vocab; v++) if (p.logProbs[row + v]! > p.logProbs[row + best]!) best = v
    path.push(best)
    logProb += p.logProbs[row + best]!
    if (best !== blank && best !== previous) tokens.push(best)
    previous = best
  }
  return { tokens, logProb, path }
}

/** 0 … vocab − 1, made once per vocabulary size: every token may be tried. */
const everyToken = new Map<number, Int32Array>()

export function allTokens(vocab: number): Int32Array {
  let tokens = everyToken.get(vocab)
  if (!tokens) {
    tokens = Int32Array.from({ length: vocab }, (_, v) => v)
    everyToken.set(vocab, tokens)
  }
  return tokens
}
