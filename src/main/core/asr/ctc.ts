/**
 * CTC decoding over per-frame log-posteriors: greedy (best path) and prefix beam search with an
 * N-best list. Posteriors are row-major [frames × vocab] log-probabilities (log-softmax applied).
 */
export interface Posteriors {
  frames: number
  vocab: number
  logProbs: Float32Array
}

export interface Hypothesis {
  tokens: number[]
  /** log P(token sequence | audio), summed over all alignments (beam) or the best path (greedy). */
  logProb: number
}

export function logSoftmax(logits: Float32Array, frames: number, vocab: number): Posteriors {
  const out = new Float32Array(frames * vocab)
  for (let t = 0; t < frames; t++) {
    const row = t * vocab
    let max = Number.NEGATIVE_INFINITY
    for (let v = 0; v < vocab; v++) max = Math.max(max, logits[row + v]!)
    let sum = 0
    for (let v = 0; v < vocab; v++) sum += Math.exp(logits[row + v]! - max)
    const logSum = max + Math.log(sum)
    for (let v = 0; v < vocab; v++) out[row + v] = logits[row + v]! - logSum
  }
  return { frames, vocab, logProbs: out }
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

export interface BeamOptions {
  blank: number
  beamWidth: number
  nBest: number
  /** Tokens more than this far below the frame's best (in log-probability) are not tried. */
  tokenPruning?: number
  /** At most this many of a frame's most likely tokens are tried (blank always is). */
  maxTokensPerFrame?: number
}

interface Beam {
  tokens: number[]
  /** Paths ending in blank / in the last token. */
  blankEnd: number
  tokenEnd: number
}

const total = (b: Beam): number => logAddExp(b.blankEnd, b.tokenEnd)

/** The tokens worth trying at one frame: the most likely, within the pruning window, and blank. */
function frameCandidates(
  p: Posteriors,
  row: number,
  blank: number,
  pruning: number,
  maxTokens: number,
): number[] {
  let best = Number.NEGATIVE_INFINITY
  for (let v = 0; v < p.vocab; v++) best = Math.max(best, p.logProbs[row + v]!)
  const within: number[] = []
  for (let v = 0; v < p.vocab; v++)
    if (v === blank || p.logProbs[row + v]! >= best - pruning) within.push(v)
  if (within.length <= maxTokens) return within
  within.sort((a, b) => p.logProbs[row + b]! - p.logProbs[row + a]!)
  const kept = within.slice(0, maxTokens)
  if (!kept.includes(blank)) kept.push(blank)
  return kept
}

/**
 * CTC prefix beam search (Hannun et al., 2014): each prefix carries the probability of all
 * alignments that end in blank and of those that end in its last token, so a label sequence's
 * probability is summed over its alignments, not taken from one path. With a beam wide enough
 * to keep every prefix, the N-best list is exact (test/unit/ctc.test.ts checks it against
 * exhaustive enumeration).
 */
export function prefixBeamSearch(p: Posteriors, options: BeamOptions): Hypothesis[] {
  const { blank, beamWidth } = options
  const pruning = options.tokenPruning ?? Number.POSITIVE_INFINITY
  let beams = new Map<string, Beam>([
    ['', { tokens: [], blankEnd: 0, tokenEnd: Number.NEGATIVE_INFINITY }],
  ])
  for (let t = 0; t < p.frames; t++) {
    const row = t * p.vocab
    const candidates = frameCandidates(p, row, blank, pruning, options.maxTokensPerFrame ?? p.vocab)
    const next = new Map<string, Beam>()
    const entry = (tokens: number[], key: string): Beam => {
      let beam = next.get(key)
      if (!beam)
        next.set(
          key,
          (beam = {
            tokens,
            blankEnd: Number.NEGATIVE_INFINITY,
            tokenEnd: Number.NEGATIVE_INFINITY,
          }),
        )
      return beam
    }
    for (const [key, beam] of beams) {
      const all = total(beam)
      const last = beam.tokens.length > 0 ? beam.tokens[beam.tokens.length - 1]! : -1
      for (const v of candidates) {
        const lp = p.logProbs[row + v]!
        if (v === blank) {
          const same = entry(beam.tokens, key)
          same.blankEnd = logAddExp(same.blankEnd, all + lp)
          continue
        }
        const extended = [...beam.tokens, v]
        const extendedKey = key === '' ? String(v) : `${key},${v}`
        const grown = entry(extended, extendedKey)
        if (v === last) {
          // A repeat extends only across a blank; without one it merges into the same prefix.
          grown.tokenEnd = logAddExp(grown.tokenEnd, beam.blankEnd + lp)
          const same = entry(beam.tokens, key)
          same.tokenEnd = logAddExp(same.tokenEnd, beam.tokenEnd + lp)
        } else {
          grown.tokenEnd = logAddExp(grown.tokenEnd, all + lp)
        }
      }
    }
    beams = new Map(
      [...next.entries()].sort((a, b) => total(b[1]) - total(a[1])).slice(0, beamWidth),
    )
  }
  return [...beams.values()]
    .map((b) => ({ tokens: b.tokens, logProb: total(b) }))
    .sort((a, b) => b.logProb - a.logProb)
    .slice(0, options.nBest)
}
