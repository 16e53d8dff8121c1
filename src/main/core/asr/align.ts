import type { WordTime } from '../../../shared/word-time'
import type { Posteriors } from './ctc'
import type { EncodedText } from './vocab'

/** Where one target token sits: frames [start, end) along the best path, and their log-probability. */
export interface AlignedToken {
  start: number
  end: number
  logProb: number
}

export interface ForcedAlignment {
  /** False when the audio has too few frames for the text; tokens are then spread evenly. */
  feasible: boolean
  /** Log-probability of the best path (−Infinity when not feasible). */
  logProb: number
  tokens: AlignedToken[]
}

/**
 * CTC forced alignment: the Viterbi path through the blank-interleaved target
 * (blank y1 blank y2 … blank) that maximises the path probability. Each target token gets
 * the frames where the path sits on it; blank frames belong to no token.
 */
export function forcedAlign(
  p: Posteriors,
  targets: readonly number[],
  blank: number,
): ForcedAlignment {
  return forcedAlignAll(p, [targets], blank)[0]!
}

/**
 * Above this many states × frames (a minute of audio and a long text), texts are aligned each on
 * its own, in two rows of scores, and the work space is not kept.
 */
const SHARED_CELLS = 1 << 22

/** The work space of `forcedAlignAll` for utterances of ordinary length, kept between calls. */
const kept = { scores: new Float64Array(0), steps: new Uint8Array(0) }

function workSpace(scoreCells: number, stepCells: number): typeof kept {
  if (stepCells > SHARED_CELLS)
    return { scores: new Float64Array(scoreCells), steps: new Uint8Array(stepCells) }
  if (kept.scores.length < scoreCells) kept.scores = new Float64Array(scoreCells)
  if (kept.steps.length < stepCells) kept.steps = new Uint8Array(stepCells)
  return kept
}

/**
 * The forced alignments of several texts to the same posteriors (`forcedAlign` for each), in
 * their order. An N-best list's texts share most of their tokens, and a state's path score
 * depends only on the states before it, so those of a common prefix are the same for both:
 * taken in the order of their tokens, each text reuses the scores and back pointers of the
 * prefix it shares with the one before it (about half of an N-best list's work).
 */
export function forcedAlignAll(
  p: Posteriors,
  texts: readonly (readonly number[])[],
  blank: number,
): ForcedAlignment[] {
  const T = p.frames
  const NEG = Number.NEGATIVE_INFINITY
  const results = new Array<ForcedAlignment>(texts.length)
  const stride = 2 * Math.max(0, ...texts.map((t) => t.length)) + 1
  // Every frame's scores where sharing fits in memory, else two rows used in turn.
  const rows = texts.length > 1 && T * stride <= SHARED_CELLS ? T : 2
  const { scores, steps } = workSpace(rows * stride, T * stride)
  // Each state's label, and whether it may be entered from two states back (skipping the blank
  // between two different tokens), worked out once rather than at every frame.
  const labels = new Int32Array(stride)
  const skip = new Uint8Array(stride)
  const { logProbs } = p
  const order = texts.map((_, i) => i).sort((a, b) => compareTokens(texts[a]!, texts[b]!))
  let before: readonly number[] | null = null
  for (const i of order) {
    const targets = texts[i]!
    const L = targets.length
    if (L === 0) {
      results[i] = { feasible: true, logProb: sumBlank(p, blank), tokens: [] }
      continue
    }
    if (T === 0) {
      results[i] = { feasible: false, logProb: NEG, tokens: spreadEvenly(L, T) }
      continue
    }
    const S = 2 * L + 1
    // The first state not shared with the text before (state 0, blank, always is).
    const from = before && rows === T ? 2 * commonPrefix(before, targets) + 1 : 0
    before = targets
    for (let s = from; s < S; s++) {
      labels[s] = s % 2 === 0 ? blank : targets[(s - 1) / 2]!
      skip[s] = s >= 2 && s % 2 === 1 && labels[s] !== blank && labels[s] !== labels[s - 2] ? 1 : 0
    }
    // How far back each state came from: 0 (stay), 1 (previous state) or 2 (skip a blank).
    for (let s = from; s < S; s++) {
      scores[s] = s < 2 ? logProbs[labels[s]!]! : NEG
      steps[s] = 0
    }
    const path: Path = { scores, steps, stride, labels, skip, from, states: S }
    for (let t = 1; t < T; t++)
      viterbiStep(path, p, t, (t % rows) * stride, ((t - 1) % rows) * stride)
    const end = ((T - 1) % rows) * stride
    const endBlank = scores[end + S - 1]!
    const endToken = scores[end + S - 2]!
    const logProb = Math.max(endBlank, endToken)
    if (logProb === NEG) {
      results[i] = { feasible: false, logProb: NEG, tokens: spreadEvenly(L, T) }
      continue
    }
    const tokens = backtrace(path, p, endBlank >= endToken ? S - 1 : S - 2)
    results[i] = { feasible: true, logProb, tokens }
  }
  return results
}

/** The Viterbi work of one text: scores and back pointers from state `from` to `states`. */
interface Path {
  scores: Float64Array
  steps: Uint8Array
  stride: number
  labels: Int32Array
  skip: Uint8Array
  from: number
  states: number
}

/**
 * One frame of the Viterbi recursion, each state from the best of itself, the state before and
 * (across a blank between different tokens) the one before that. In a function of its own, so
 * the engine compiles it once, small, rather than a whole alignment loop while it runs.
 */
function viterbiStep(path: Path, p: Posteriors, t: number, here: number, last: number): void {
  const { scores, steps, labels, skip, from, states } = path
  const row = t * p.vocab
  const stepRow = t * path.stride
  const { logProbs } = p
  for (let s = from; s < states; s++) {
    let best = scores[last + s]!
    let step = 0
    if (s >= 1 && scores[last + s - 1]! > best) {
      best = scores[last + s - 1]!
      step = 1
    }
    if (skip[s] === 1 && scores[last + s - 2]! > best) {
      best = scores[last + s - 2]!
      step = 2
    }
    scores[here + s] = best === Number.NEGATIVE_INFINITY ? best : best + logProbs[row + labels[s]!]!
    steps[stepRow + s] = step
  }
}

/** The tokens' frames along the best path, from its last state back to the first frame. */
function backtrace(path: Path, p: Posteriors, last: number): AlignedToken[] {
  const tokens: AlignedToken[] = Array.from({ length: (path.states - 1) / 2 }, () => ({
    start: -1,
    end: -1,
    logProb: 0,
  }))
  let s = last
  for (let t = p.frames - 1; t >= 0; t--) {
    if (s % 2 === 1) {
      const token = tokens[(s - 1) / 2]!
      if (token.end === -1) token.end = t + 1
      token.start = t
      token.logProb += p.logProbs[t * p.vocab + path.labels[s]!]!
    }
    s -= path.steps[t * path.stride + s]!
  }
  return tokens
}

/** Lexicographic order of token sequences, so neighbours share the longest prefixes. */
function compareTokens(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length)
  for (let k = 0; k < n; k++) if (a[k] !== b[k]) return a[k]! - b[k]!
  return a.length - b.length
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let k = 0
  while (k < a.length && k < b.length && a[k] === b[k]) k++
  return k
}

function sumBlank(p: Posteriors, blank: number): number {
  let sum = 0
  for (let t = 0; t < p.frames; t++) sum += p.logProbs[t * p.vocab + blank]!
  return sum
}

function spreadEvenly(count: number, frames: number): AlignedToken[] {
  return Array.from({ length: count }, (_, i) => {
    const start = Math.floor((i * frames) / count)
    return {
      start,
      end: Math.max(start + 1, Math.floor(((i + 1) * frames) / count)),
      logProb: Number.NEGATIVE_INFINITY,
    }
  })
}

/** A word placed by forced alignment: its time, how well it was placed, and its frames. */
export interface AlignedWord extends WordTime {
  score: number
  /** Frames [start, end) the word's tokens occupy, counted from the utterance's start. */
  frames: [number, number]
}

/**
 * Word start and end times from a token alignment, in seconds from `offsetSec` (where the
 * utterance starts in its recording). A word the model cannot spell (no token aligned) gets the
 * gap between its neighbours and a score of 0, so every word has ordered, non-overlapping times
 * inside the audio.
 */
export function alignWords(
  alignment: ForcedAlignment,
  words: readonly string[],
  wordOfToken: readonly number[],
  frameStrideSec: number,
  frames: number,
  offsetSec = 0,
): AlignedWord[] {
  const spans: ({ start: number; end: number; logProb: number; count: number } | null)[] =
    words.map(() => null)
  alignment.tokens.forEach((token, i) => {
    const w = wordOfToken[i]!
    if (w < 0) return
    const span = spans[w]
    const count = token.end - token.start
    if (!span) spans[w] = { start: token.start, end: token.end, logProb: token.logProb, count }
    else {
      span.end = token.end
      span.logProb += token.logProb
      span.count += count
    }
  })
  const result: AlignedWord[] = []
  for (let w = 0; w < words.length; w++) {
    const span = spans[w]
    if (span) {
      const score = alignment.feasible && span.count > 0 ? Math.exp(span.logProb / span.count) : 0
      result.push({
        word: words[w]!,
        start: offsetSec + span.start * frameStrideSec,
        end: offsetSec + span.end * frameStrideSec,
        score,
        frames: [span.start, span.end],
      })
      continue
    }
    // Not aligned: between the previous word's end and the next aligned word's start.
    const from = result.length > 0 ? result[result.length - 1]!.frames[1] : 0
    const nextSpan = spans.slice(w + 1).find((x) => x !== null)
    const to = Math.max(from, nextSpan ? nextSpan.start : frames)
    result.push({
      word: words[w]!,
      start: offsetSec + from * frameStrideSec,
      end: offsetSec + to * frameStrideSec,
      score: 0,
      frames: [from, to],
    })
  }
  return result
}

/**
 * A text's forced alignment to an utterance's posteriors, and its words' times in the recording
 * (the utterance's span spread evenly over the frames): for aligning a person's transcript.
 */
export function alignText(
  p: Posteriors,
  text: EncodedText,
  blank: number,
  span: { startSec: number; endSec: number },
): { alignment: ForcedAlignment; words: AlignedWord[] } {
  return alignTexts(p, [text], blank, span)[0]!
}

/** `alignText` for each of several texts (an N-best list), sharing their common work. */
export function alignTexts(
  p: Posteriors,
  texts: readonly EncodedText[],
  blank: number,
  span: { startSec: number; endSec: number },
): { alignment: ForcedAlignment; words: AlignedWord[] }[] {
  const stride = (span.endSec - span.startSec) / Math.max(1, p.frames)
  const alignments = forcedAlignAll(
    p,
    texts.map((t) => t.ids),
    blank,
  )
  return alignments.map((alignment, i) => ({
    alignment,
    words: alignWords(
      alignment,
      texts[i]!.words,
      texts[i]!.wordOfToken,
      stride,
      p.frames,
      span.startSec,
    ),
  }))
}
