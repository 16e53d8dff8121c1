/**
 * CTC decoding over per-frame log-posteriors: greedy (best path) and prefix beam search with an
 * N-best list. Posteriors are row-major [frames × vocab] log-probabilities (log-softmax applied).
 */
export interface Posteriors {
  frames: number
  vocab: number
  logProbs: Float32Array
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

export interface BeamOptions {
  blank: number
  beamWidth: number
  nBest: number
  /** Tokens more than this far below the frame's best (in log-probability) are not tried. */
  tokenPruning?: number
  /** At most this many of a frame's most likely tokens are tried (blank always is). */
  maxTokensPerFrame?: number
  /**
   * Frames where blank's probability is at least this (e.g. 0.999) only extend what exists by
   * blank or a repeat: no prefix grows there. CTC output is mostly such frames, so this is most
   * of the search's time saved, for at most 1 − this of any prefix's mass.
   */
  blankSkip?: number
  /** Shallow fusion with a word language model, scored as each word completes. */
  lm?: LanguageModelFusion
}

export interface LanguageModelFusion {
  model: { logProb(history: readonly string[], word: string): number }
  /** log P_acoustic + weight · log P_lm + wordBonus per word. */
  weight: number
  wordBonus: number
  /** Token id that ends a word (the vocabulary's word delimiter). */
  delimiter: number
  /** The text a token stands for. */
  text: (token: number) => string
}

/**
 * Prefixes as nodes of a trie: extending one is a lookup, not a copy of its tokens. One map of
 * (node, token) keys for the whole trie, not one per node. A frame tries far more extensions than
 * the beam keeps, so an extension is named by a provisional key (`provisional`) until it survives
 * the frame's pruning, and only then becomes a node.
 */
class PrefixTrie {
  private readonly parent: number[] = [-1]
  private readonly token: number[] = [-1]
  private readonly children = new Map<number, number>()

  constructor(private readonly vocab: number) {}

  /** The node of `node` extended by `token`, or a negative key standing for it until it exists. */
  provisional(node: number, token: number): number {
    const key = node * this.vocab + token
    return this.children.get(key) ?? -key - 1
  }

  /** The node a key from `provisional` stands for, made now if it is not yet in the trie. */
  resolve(key: number): number {
    if (key >= 0) return key
    const k = -key - 1
    return this.child(Math.floor(k / this.vocab), k % this.vocab)
  }

  child(node: number, token: number): number {
    const key = node * this.vocab + token
    let child = this.children.get(key)
    if (child === undefined) {
      child = this.parent.length
      this.parent.push(node)
      this.token.push(token)
      this.children.set(key, child)
    }
    return child
  }

  /** The prefix's last token, −1 for the empty prefix. */
  last(node: number): number {
    return this.token[node]!
  }

  tokens(node: number): number[] {
    const out: number[] = []
    for (let n = node; n > 0; n = this.parent[n]!) out.push(this.token[n]!)
    return out.reverse()
  }
}

interface Beam {
  node: number
  /** Paths ending in blank / in the last token. */
  blankEnd: number
  tokenEnd: number
  /** Language-model score of the completed words (weighted, with word bonuses). */
  lm: number
  /** Completed words, and the one being spelled. */
  words: string[]
  partial: string
  /** `ranked` at the end of the frame that made it, for the sort that prunes. */
  score: number
}

const total = (b: Beam): number => logAddExp(b.blankEnd, b.tokenEnd)
const ranked = (b: Beam): number => total(b) + b.lm

/** The LM state of a prefix extended by one token: a word completes at the delimiter. */
function extendLm(
  beam: Beam,
  token: number,
  lm: LanguageModelFusion | undefined,
): Pick<Beam, 'lm' | 'words' | 'partial'> {
  if (!lm) return { lm: 0, words: beam.words, partial: beam.partial }
  if (token !== lm.delimiter)
    return { lm: beam.lm, words: beam.words, partial: beam.partial + lm.text(token) }
  if (!beam.partial) return { lm: beam.lm, words: beam.words, partial: '' }
  return {
    lm: beam.lm + wordScore(beam.words, beam.partial, lm),
    words: [...beam.words, beam.partial],
    partial: '',
  }
}

function wordScore(history: readonly string[], word: string, lm: LanguageModelFusion): number {
  return lm.weight * lm.model.logProb(history, word.toLowerCase()) + lm.wordBonus
}

/** The final score, counting the word still being spelled when the audio ends. */
function finalScore(b: Beam, lm: LanguageModelFusion | undefined): number {
  return ranked(b) + (lm && b.partial ? wordScore(b.words, b.partial, lm) : 0)
}

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
 * The `width` best prefixes, best first, as a stable sort of all of them by `ranked` would give
 * (ties keep the order in which the frame reached them): the width-th best score is found by a
 * native sort of the scores alone, and only the prefixes at or above it are sorted.
 */
function keepBest(next: Beam[], width: number): Beam[] {
  for (const b of next) b.score = ranked(b)
  if (next.length <= width) return next.sort(byScore)
  const scores = new Float64Array(next.length)
  for (let i = 0; i < next.length; i++) scores[i] = next[i]!.score
  const kth = scores.sort()[next.length - width]!
  let ties = width
  for (const b of next) if (b.score > kth) ties--
  const kept: Beam[] = []
  for (const b of next) if (b.score > kth || (b.score === kth && ties-- > 0)) kept.push(b)
  return kept.sort(byScore)
}

const byScore = (a: Beam, b: Beam): number => b.score - a.score

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
  const empty: Beam = {
    node: 0,
    blankEnd: 0,
    tokenEnd: Number.NEGATIVE_INFINITY,
    lm: 0,
    words: [],
    partial: '',
    score: 0,
  }
  const trie = new PrefixTrie(p.vocab)
  let beams: Beam[] = [empty]
  const skipAt =
    options.blankSkip === undefined ? Number.POSITIVE_INFINITY : Math.log(options.blankSkip)
  // The prefixes one frame makes, in the order first reached, and where each sits in it.
  let next: Beam[] = []
  const slot = new Map<number, number>()
  const entry = (key: number, lmState: Pick<Beam, 'lm' | 'words' | 'partial'>): Beam => {
    const at = slot.get(key)
    if (at !== undefined) return next[at]!
    const beam: Beam = {
      node: key,
      blankEnd: Number.NEGATIVE_INFINITY,
      tokenEnd: Number.NEGATIVE_INFINITY,
      lm: lmState.lm,
      words: lmState.words,
      partial: lmState.partial,
      score: 0,
    }
    slot.set(key, next.length)
    next.push(beam)
    return beam
  }
  for (let t = 0; t < p.frames; t++) {
    const row = t * p.vocab
    const blankLp = p.logProbs[row + blank]!
    if (blankLp >= skipAt) {
      // Only blank (or a repeat of the last token, which merges into the same prefix): the
      // prefixes stay as they are, so their scores are updated in place.
      for (const beam of beams) {
        const last = trie.last(beam.node)
        const all = total(beam)
        beam.tokenEnd =
          last >= 0 ? beam.tokenEnd + p.logProbs[row + last]! : Number.NEGATIVE_INFINITY
        beam.blankEnd = all + blankLp
      }
      continue
    }
    const candidates = frameCandidates(p, row, blank, pruning, options.maxTokensPerFrame ?? p.vocab)
    next = []
    slot.clear()
    for (const beam of beams) {
      const key = beam.node
      const all = total(beam)
      const last = trie.last(key)
      for (const v of candidates) {
        const lp = p.logProbs[row + v]!
        if (v === blank) {
          const same = entry(key, beam)
          same.blankEnd = logAddExp(same.blankEnd, all + lp)
          continue
        }
        // Without a language model a prefix's LM state is its parent's (nothing to allocate).
        const grown = entry(
          trie.provisional(key, v),
          options.lm ? extendLm(beam, v, options.lm) : beam,
        )
        if (v === last) {
          // A repeat extends only across a blank; without one it merges into the same prefix.
          grown.tokenEnd = logAddExp(grown.tokenEnd, beam.blankEnd + lp)
          const same = entry(key, beam)
          same.tokenEnd = logAddExp(same.tokenEnd, beam.tokenEnd + lp)
        } else {
          grown.tokenEnd = logAddExp(grown.tokenEnd, all + lp)
        }
      }
    }
    // With a language model, prefixes are ranked by acoustic plus language-model score; each
    // score is computed once, not at every comparison of the sort (which is stable, so ties
    // keep the order in which the prefixes were reached).
    beams = keepBest(next, beamWidth)
    for (const b of beams) b.node = trie.resolve(b.node)
  }
  const results = beams
    .map((b) => ({
      tokens: trie.tokens(b.node),
      logProb: total(b),
      score: finalScore(b, options.lm),
    }))
    .sort((a, b) => b.score - a.score)
    .slice(0, options.nBest)
  return options.lm ? results : results.map(({ tokens, logProb }) => ({ tokens, logProb }))
}
