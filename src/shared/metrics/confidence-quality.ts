import { align } from './errors'

/**
 * How much a recogniser's word confidences can be trusted (docs/metrics.md). Each word has a
 * confidence c in [0, 1] and a label: correct (matched the reference) or not.
 */
export interface ScoredWord {
  confidence: number
  correct: boolean
}

/**
 * AUC-ROC of using (1 − confidence) to detect wrong words: the probability that a random wrong
 * word has lower confidence than a random correct one (ties count half). 0.5 is chance.
 * Null when all words are correct or all wrong.
 */
export function aucRoc(words: readonly ScoredWord[]): number | null {
  const wrong = words.filter((w) => !w.correct).map((w) => w.confidence)
  const right = words.filter((w) => w.correct).map((w) => w.confidence)
  if (wrong.length === 0 || right.length === 0) return null
  // Rank-sum (Mann–Whitney U) with average ranks for ties: O(n log n).
  const all = [
    ...wrong.map((c) => ({ c, wrong: true })),
    ...right.map((c) => ({ c, wrong: false })),
  ].sort((a, b) => a.c - b.c)
  let rankSumRight = 0
  for (let i = 0; i < all.length;) {
    let j = i
    while (j < all.length && all[j]!.c === all[i]!.c) j++
    const averageRank = (i + 1 + j) / 2
    for (let k = i; k < j; k++) if (!all[k]!.wrong) rankSumRight += averageRank
    i = j
  }
  const u = rankSumRight - (right.length * (right.length + 1)) / 2
  return u / (right.length * wrong.length)
}

/** Expected calibration error over equal-width bins: Σ (n_b / N) · |accuracy_b − mean confidence_b|. */
export function expectedCalibrationError(words: readonly ScoredWord[], bins = 10): number | null {
  if (words.length === 0) return null
  const count = new Array<number>(bins).fill(0)
  const confidence = new Array<number>(bins).fill(0)
  const correct = new Array<number>(bins).fill(0)
  for (const w of words) {
    const b = Math.min(bins - 1, Math.floor(w.confidence * bins))
    count[b]!++
    confidence[b]! += w.confidence
    if (w.correct) correct[b]!++
  }
  let ece = 0
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue
    ece +=
      (count[b]! / words.length) * Math.abs(correct[b]! / count[b]! - confidence[b]! / count[b]!)
  }
  return ece
}

/**
 * Normalised cross entropy (NIST): how much better the confidences predict correctness than the
 * overall word accuracy alone. 1 is perfect, 0 is no better than the constant, below 0 is
 * worse. Confidences are clamped to [ε, 1 − ε]. Null when all words are correct or all wrong.
 */
export function normalisedCrossEntropy(
  words: readonly ScoredWord[],
  epsilon = 1e-6,
): number | null {
  const n = words.length
  const nCorrect = words.filter((w) => w.correct).length
  if (n === 0 || nCorrect === 0 || nCorrect === n) return null
  const p = nCorrect / n
  const hMax = -(nCorrect * Math.log2(p) + (n - nCorrect) * Math.log2(1 - p))
  let sum = 0
  for (const w of words) {
    const c = Math.min(1 - epsilon, Math.max(epsilon, w.confidence))
    sum += w.correct ? Math.log2(c) : Math.log2(1 - c)
  }
  return (hMax + sum) / hMax
}

/**
 * Which words of a hypothesis are right: both texts normalised (`normalizeWord` per stored word,
 * `referenceWords` already normalised) and aligned as WER aligns them; a stored word is right
 * when every piece it normalises into was matched. Null for a word that normalises to nothing
 * (punctuation), which has nothing to be right or wrong about. One entry per stored word.
 */
export function wordOutcomes(
  referenceWords: readonly string[],
  hypothesisWords: readonly string[],
  normalizeWord: (word: string) => string[],
): (boolean | null)[] {
  const pieces = hypothesisWords.map(normalizeWord)
  const flat = pieces.flatMap((p, i) => p.map(() => i))
  const outcome: (boolean | null)[] = pieces.map((p) => (p.length ? true : null))
  let k = 0
  for (const op of align(referenceWords, pieces.flat()).ops) {
    if (op.op === 'del') continue
    if (op.op !== 'ok') outcome[flat[k]!] = false
    k++
  }
  return outcome
}
