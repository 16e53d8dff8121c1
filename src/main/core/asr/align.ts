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
  const L = targets.length
  const T = p.frames
  if (L === 0) return { feasible: true, logProb: sumBlank(p, blank), tokens: [] }
  const S = 2 * L + 1
  // Each state's label, and whether it may be entered from two states back (skipping the blank
  // between two different tokens), worked out once rather than at every frame.
  const labels = new Int32Array(S)
  const skip = new Uint8Array(S)
  for (let s = 0; s < S; s++) {
    labels[s] = s % 2 === 0 ? blank : targets[(s - 1) / 2]!
    skip[s] = s >= 2 && s % 2 === 1 && labels[s] !== blank && labels[s] !== labels[s - 2] ? 1 : 0
  }
  const NEG = Number.NEGATIVE_INFINITY
  let previous = new Float64Array(S).fill(NEG)
  let current = new Float64Array(S)
  // How far back each state came from: 0 (stay), 1 (previous state) or 2 (skip a blank).
  const back = new Uint8Array(T * S)
  previous[0] = p.logProbs[labels[0]!]!
  if (S > 1) previous[1] = p.logProbs[labels[1]!]!
  const { logProbs } = p
  for (let t = 1; t < T; t++) {
    const row = t * p.vocab
    const backRow = t * S
    for (let s = 0; s < S; s++) {
      let best = previous[s]!
      let step = 0
      if (s >= 1 && previous[s - 1]! > best) {
        best = previous[s - 1]!
        step = 1
      }
      if (skip[s] === 1 && previous[s - 2]! > best) {
        best = previous[s - 2]!
        step = 2
      }
      current[s] = best === NEG ? NEG : best + logProbs[row + labels[s]!]!
      back[backRow + s] = step
    }
    ;[previous, current] = [current, previous]
  }
  const endBlank = previous[S - 1]!
  const endToken = previous[S - 2]!
  const logProb = Math.max(endBlank, endToken)
  if (T === 0 || logProb === NEG)
    return { feasible: false, logProb: NEG, tokens: spreadEvenly(L, T) }

  const tokens: AlignedToken[] = Array.from({ length: L }, () => ({
    start: -1,
    end: -1,
    logProb: 0,
  }))
  let s = endBlank >= endToken ? S - 1 : S - 2
  for (let t = T - 1; t >= 0; t--) {
    if (s % 2 === 1) {
      const token = tokens[(s - 1) / 2]!
      if (token.end === -1) token.end = t + 1
      token.start = t
      token.logProb += p.logProbs[t * p.vocab + labels[s]!]!
    }
    s -= back[t * S + s]!
  }
  return { feasible: true, logProb, tokens }
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
 * (the utterance's span spread evenly over the frames): for the N-best list and for aligning a
 * person's transcript alike.
 */
export function alignText(
  p: Posteriors,
  text: EncodedText,
  blank: number,
  span: { startSec: number; endSec: number },
): { alignment: ForcedAlignment; words: AlignedWord[] } {
  const stride = (span.endSec - span.startSec) / Math.max(1, p.frames)
  const alignment = forcedAlign(p, text.ids, blank)
  return {
    alignment,
    words: alignWords(alignment, text.words, text.wordOfToken, stride, p.frames, span.startSec),
  }
}
