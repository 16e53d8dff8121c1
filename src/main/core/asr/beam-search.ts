/**
 * CTC prefix beam search with an N-best list and optional word language model fusion, over the
 * log-posteriors of ctc.ts.
 */
import { allTokens, logAddExp, type Hypothesis, type Posteriors } from './ctc'

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
 * the frame's pruning, and only then is looked up, or made a node.
 */
class PrefixTrie {
  private readonly parent: number[] = [-1]
  private readonly token: number[] = [-1]
  private readonly children = new Map<number, number>()

  constructor(private readonly vocab: number) {}

  /** A negative key standing for `node` extended by `token` until it survives a frame. */
  provisional(node: number, token: number): number {
    return -(node * this.vocab + token) - 1
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

  /** The prefix without its last token, −1 for the empty prefix. */
  parentOf(node: number): number {
    return this.parent[node]!
  }

  tokens(node: number): number[] {
    const out: number[] = []
    for (let n = node; n > 0; n = this.parent[n]!) out.push(this.token[n]!)
    return out.reverse()
  }
}

/** A prefix's language-model state: the weighted score of its completed words, and the words. */
interface LmState {
  lm: number
  /** Completed words, and the one being spelled. */
  words: string[]
  partial: string
}

const noLm: LmState = { lm: 0, words: [], partial: '' }

/** The LM state of a prefix extended by one token: a word completes at the delimiter. */
function extendLm(state: LmState, token: number, lm: LanguageModelFusion): LmState {
  if (token !== lm.delimiter)
    return { lm: state.lm, words: state.words, partial: state.partial + lm.text(token) }
  if (!state.partial) return { lm: state.lm, words: state.words, partial: '' }
  return {
    lm: state.lm + wordScore(state.words, state.partial, lm),
    words: [...state.words, state.partial],
    partial: '',
  }
}

function wordScore(history: readonly string[], word: string, lm: LanguageModelFusion): number {
  return lm.weight * lm.model.logProb(history, word.toLowerCase()) + lm.wordBonus
}

/**
 * A set of prefixes as parallel arrays (struct of arrays): a frame makes a hundred or more
 * candidate prefixes and keeps 16, so objects per candidate were most of the search's garbage.
 * `key` is a trie node, or a provisional key (PrefixTrie.provisional) until the prefix survives.
 */
class Prefixes {
  size = 0
  key: Float64Array = new Float64Array(0)
  /** log P of the alignments ending in blank / in the last token. */
  blankEnd: Float64Array = new Float64Array(0)
  tokenEnd: Float64Array = new Float64Array(0)
  /** Ranking score: both ends summed, plus the language model's. */
  score: Float64Array = new Float64Array(0)
  lm: LmState[] = []

  /** Room for `n` prefixes, keeping the first `size`. */
  reserve(n: number): void {
    if (n <= this.key.length) return
    const capacity = Math.max(n, this.key.length * 2)
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(capacity)
      b.set(a.subarray(0, this.size))
      return b
    }
    this.key = grow(this.key)
    this.blankEnd = grow(this.blankEnd)
    this.tokenEnd = grow(this.tokenEnd)
    this.score = grow(this.score)
  }

  push(key: number, lm: LmState): number {
    const i = this.size++
    this.key[i] = key
    this.blankEnd[i] = Number.NEGATIVE_INFINITY
    this.tokenEnd[i] = Number.NEGATIVE_INFINITY
    this.lm[i] = lm
    return i
  }

  total(i: number): number {
    return logAddExp(this.blankEnd[i]!, this.tokenEnd[i]!)
  }
}

/**
 * The tokens worth trying at one frame, into `out`: of `tokens`, those within the pruning window
 * of the frame's best, and blank; at most `maxTokens` of them, the likeliest, when more qualify
 * (blank is then added if it is not among them).
 */
function frameCandidates(
  logProbs: Float32Array,
  row: number,
  tokens: Int32Array,
  blank: number,
  pruning: number,
  maxTokens: number,
  out: number[],
): number[] {
  // One pass: what clears the threshold of the best so far (never above the final one), then
  // what clears the final threshold, in the same order.
  let best = Number.NEGATIVE_INFINITY
  let threshold = Number.NEGATIVE_INFINITY
  out.length = 0
  for (let k = 0; k < tokens.length; k++) {
    const v = tokens[k]!
    const lp = logProbs[row + v]!
    if (lp > best) {
      best = lp
      threshold = best - pruning
    }
    if (v === blank || lp >= threshold) out.push(v)
  }
  let n = 0
  for (let k = 0; k < out.length; k++) {
    const v = out[k]!
    if (v === blank || logProbs[row + v]! >= threshold) out[n++] = v
  }
  out.length = n
  if (n <= maxTokens) return out
  out.sort((a, b) => logProbs[row + b]! - logProbs[row + a]!)
  const blankAt = out.indexOf(blank)
  out.length = maxTokens
  if (blankAt < 0 || blankAt >= maxTokens) out.push(blank)
  return out
}

/**
 * The indices of the `width` best prefixes, best first, as a stable sort of all of them by score
 * would give (ties keep the order in which the frame reached them). One pass keeps the best so
 * far in order: a prefix enters after those scoring at least as much, and only when it beats the
 * last one kept; a frame makes a hundred or more and keeps 16, so few ever enter.
 */
function keepBest(next: Prefixes, width: number, kept: Int32Array): number {
  const { score, blankEnd, tokenEnd, lm } = next
  let count = 0
  for (let i = 0; i < next.size; i++) {
    const extra = lm[i]!.lm
    // A prefix's score is at most its larger end's plus log 2: most of those that cannot enter
    // are known without the exponential and logarithm of the sum.
    if (
      count === width &&
      Math.max(blankEnd[i]!, tokenEnd[i]!) + Math.LN2 + extra <= score[kept[width - 1]!]!
    )
      continue
    const s = next.total(i) + extra
    score[i] = s
    if (count === width && s <= score[kept[width - 1]!]!) continue
    let at = count < width ? count++ : width - 1
    for (; at > 0 && score[kept[at - 1]!]! < s; at--) kept[at] = kept[at - 1]!
    kept[at] = i
  }
  return count
}

/**
 * CTC prefix beam search (Hannun et al., 2014): each prefix carries the probability of all
 * alignments that end in blank and of those that end in its last token, so a label sequence's
 * probability is summed over its alignments, not taken from one path. With a beam wide enough
 * to keep every prefix, the N-best list is exact (test/unit/ctc.test.ts checks it against
 * exhaustive enumeration).
 */
export function prefixBeamSearch(p: Posteriors, options: BeamOptions): Hypothesis[] {
  const { lm } = options
  const search = new BeamSearch(p, options)
  const skipAt =
    options.blankSkip === undefined ? Number.POSITIVE_INFINITY : Math.log(options.blankSkip)
  // A frame at a time, in methods of their own: the engine compiles them small and early, where
  // a loop over the frames doing the work itself was compiled, large, while it ran.
  for (let t = 0; t < p.frames; t++) {
    const row = t * p.vocab
    if (p.logProbs[row + options.blank]! >= skipAt) search.carry(row)
    else search.extend(row)
  }
  const { beams, trie } = search
  const results: (Hypothesis & { score: number })[] = []
  for (let b = 0; b < beams.size; b++) {
    const state = beams.lm[b]!
    const total = beams.total(b)
    // The final score counts the word still being spelled when the audio ends.
    const score =
      total + state.lm + (lm && state.partial ? wordScore(state.words, state.partial, lm) : 0)
    results.push({ tokens: trie.tokens(beams.key[b]!), logProb: total, score })
  }
  results.sort((a, b) => b.score - a.score)
  const best = results.slice(0, options.nBest)
  return lm ? best : best.map(({ tokens, logProb }) => ({ tokens, logProb }))
}

/** The state of one prefix beam search between frames, and its two kinds of frame. */
class BeamSearch {
  readonly trie: PrefixTrie
  /** The surviving prefixes. */
  readonly beams = new Prefixes()
  /** The prefixes a frame makes, in the order first reached. */
  private readonly next = new Prefixes()
  private readonly tokens: Int32Array
  private readonly candidates: number[] = []
  private readonly kept: Int32Array
  /**
   * Where each current prefix, continued by blank or a repeat, sits among the frame's new ones
   * (−1: not reached yet). Any other new prefix is reached once only (two prefixes extended by a
   * token never make the same prefix), unless it is itself a current one: each frame lists, for
   * every current prefix, the current prefixes one token longer than it (`firstChild`, then
   * `sibling`), which is where an extension may merge; a few comparisons, not a map lookup each
   * (nor a map of the current prefixes: a scan of 16 costs less than filling one).
   */
  private sameAt = new Int32Array(1)
  private readonly firstChild: Int32Array
  private readonly sibling: Int32Array

  constructor(
    private readonly p: Posteriors,
    private readonly options: BeamOptions,
  ) {
    this.trie = new PrefixTrie(p.vocab)
    this.tokens = p.tokens ?? allTokens(p.vocab)
    this.kept = new Int32Array(options.beamWidth)
    this.firstChild = new Int32Array(Math.max(1, options.beamWidth))
    this.sibling = new Int32Array(Math.max(1, options.beamWidth))
    this.beams.reserve(1)
    this.beams.push(0, noLm)
    this.beams.blankEnd[0] = 0
  }

  /**
   * A frame sure of blank: only blank, or a repeat of the last token (which merges into the same
   * prefix), so the prefixes stay as they are and their scores are updated in place.
   */
  carry(row: number): void {
    const { beams, trie } = this
    const { logProbs } = this.p
    const blankLp = logProbs[row + this.options.blank]!
    for (let b = 0; b < beams.size; b++) {
      const last = trie.last(beams.key[b]!)
      const all = beams.total(b)
      beams.tokenEnd[b] =
        last >= 0 ? beams.tokenEnd[b]! + logProbs[row + last]! : Number.NEGATIVE_INFINITY
      beams.blankEnd[b] = all + blankLp
    }
  }

  /** A frame whose tokens may grow the prefixes: every prefix by every candidate, then pruning. */
  extend(row: number): void {
    const { beams, next, trie, candidates, firstChild, sibling } = this
    const { blank, lm } = this.options
    const { logProbs } = this.p
    frameCandidates(
      logProbs,
      row,
      this.tokens,
      blank,
      this.options.tokenPruning ?? Number.POSITIVE_INFINITY,
      this.options.maxTokensPerFrame ?? this.p.vocab,
      candidates,
    )
    next.size = 0
    next.reserve(beams.size * (candidates.length + 1))
    if (this.sameAt.length < beams.size) this.sameAt = new Int32Array(beams.key.length)
    this.sameAt.fill(-1)
    firstChild.fill(-1)
    for (let c = 0; c < beams.size; c++) {
      const parentNode = trie.parentOf(beams.key[c]!)
      for (let parent = 0; parent < beams.size; parent++)
        if (beams.key[parent] === parentNode) {
          sibling[c] = firstChild[parent]!
          firstChild[parent] = c
          break
        }
    }
    for (let b = 0; b < beams.size; b++) {
      const key = beams.key[b]!
      const state = beams.lm[b]!
      const blankEnd = beams.blankEnd[b]!
      const tokenEnd = beams.tokenEnd[b]!
      const all = logAddExp(blankEnd, tokenEnd)
      const last = trie.last(key)
      for (const v of candidates) {
        const lp = logProbs[row + v]!
        if (v === blank) {
          const same = this.continued(b, state)
          next.blankEnd[same] = logAddExp(next.blankEnd[same]!, all + lp)
          continue
        }
        // Without a language model a prefix's LM state is its parent's (nothing to allocate).
        let other = firstChild[b]!
        while (other >= 0 && trie.last(beams.key[other]!) !== v) other = sibling[other]!
        const grownState = lm ? extendLm(state, v, lm) : state
        const grown =
          other < 0
            ? next.push(trie.provisional(key, v), grownState)
            : this.continued(other, grownState)
        if (v === last) {
          // A repeat extends only across a blank; without one it merges into the same prefix.
          next.tokenEnd[grown] = logAddExp(next.tokenEnd[grown]!, blankEnd + lp)
          const same = this.continued(b, state)
          next.tokenEnd[same] = logAddExp(next.tokenEnd[same]!, tokenEnd + lp)
        } else {
          next.tokenEnd[grown] = logAddExp(next.tokenEnd[grown]!, all + lp)
        }
      }
    }
    // With a language model, prefixes are ranked by acoustic plus language-model score; each
    // score is computed once, not at every comparison of the sort (which is stable, so ties
    // keep the order in which the prefixes were reached).
    const count = keepBest(next, this.options.beamWidth, this.kept)
    beams.size = 0
    beams.reserve(count)
    for (let k = 0; k < count; k++) {
      const i = this.kept[k]!
      const s = beams.push(trie.resolve(next.key[i]!), next.lm[i]!)
      beams.blankEnd[s] = next.blankEnd[i]!
      beams.tokenEnd[s] = next.tokenEnd[i]!
    }
  }

  /** Where current prefix `b`, continued by blank or a repeat, sits among the frame's new ones. */
  private continued(b: number, state: LmState): number {
    if (this.sameAt[b]! < 0) this.sameAt[b] = this.next.push(this.beams.key[b]!, state)
    return this.sameAt[b]!
  }
}
