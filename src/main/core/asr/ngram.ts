import { words as normalizedWords } from '../../../shared/text/normalize'

/**
 * A word n-gram language model (order 3 by default) with interpolated absolute discounting
 * (docs/metrics.md). It is lexicon-free: a word it never saw still gets a probability (from
 * the unigram's unseen mass), so decoding can produce names and new words; the model only
 * tilts the ranking towards word sequences the project already uses.
 */
export interface NgramCounts {
  order: number
  /** "w1 w2 … wn" → count, for every n from 1 to order ("<s>" starts each sentence). */
  counts: Record<string, number>
  /** History "w1 … wk" → [total count of its continuations, number of distinct continuations]. */
  histories: Record<string, [number, number]>
  tokens: number
  singletons: number
}

const DISCOUNT = 0.75
/** The unseen-word mass is shared by this many notional words, so each stays unlikely. */
const UNSEEN_SPREAD = 10_000

export function countNgrams(sentences: readonly string[], order = 3): NgramCounts {
  const counts: Record<string, number> = {}
  const histories: Record<string, [number, number]> = {}
  let tokens = 0
  for (const sentence of sentences) {
    const ws = normalizedWords(sentence)
    if (ws.length === 0) continue
    const padded = ['<s>', ...ws]
    tokens += ws.length
    // Every n-gram ending at each word; "<s>" appears only as history.
    for (let i = 1; i < padded.length; i++) {
      for (let n = 1; n <= order && i - n + 1 >= 0; n++) {
        const gram = padded.slice(i - n + 1, i + 1)
        const key = gram.join(' ')
        const history = gram.slice(0, -1).join(' ')
        const seen = counts[key] ?? 0
        counts[key] = seen + 1
        const h = (histories[history] ??= [0, 0])
        h[0]++
        if (seen === 0) h[1]++
      }
    }
  }
  const singletons = Object.entries(counts).filter(([k, c]) => !k.includes(' ') && c === 1).length
  return { order, counts, histories, tokens, singletons }
}

export class WordNgram {
  constructor(private readonly c: NgramCounts) {}

  static build(sentences: readonly string[], order = 3): WordNgram {
    return new WordNgram(countNgrams(sentences, order))
  }

  /** Natural-log probability of `word` after `history` (earlier words first). */
  logProb(history: readonly string[], word: string): number {
    const h = ['<s>', ...history].slice(-(this.c.order - 1))
    return Math.log(this.prob(h, word))
  }

  private prob(history: string[], word: string): number {
    if (history.length === 0) return this.unigram(word)
    const lower = this.prob(history.slice(1), word)
    const key = history.join(' ')
    const h = this.c.histories[key]
    if (!h) return lower
    const [total, distinct] = h
    const count = this.c.counts[`${key} ${word}`] ?? 0
    return Math.max(count - DISCOUNT, 0) / total + ((DISCOUNT * distinct) / total) * lower
  }

  private unigram(word: string): number {
    // Unseen mass estimated from words seen once (Good–Turing), at least one.
    const unseen = Math.max(1, this.c.singletons)
    const total = this.c.tokens + unseen
    const count = this.c.counts[word] ?? 0
    return count > 0 ? count / total : unseen / total / UNSEEN_SPREAD
  }
}
