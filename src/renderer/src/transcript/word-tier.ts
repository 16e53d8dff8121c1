/**
 * The word tier as the editor draws it (docs/tiers.md): the current text's words placed in time
 * from the times it knows (moved by hand, aligned, or the model's), and boundary moves that keep
 * the words in order and inside the utterance. Pure functions, unit-tested.
 */
import type { WordTier } from '../../../shared/domain'
import type { WordTime } from '../../../shared/word-time'
import { keptWords, splitWords } from './text-model'

export interface TierWord extends WordTime {
  /** False for a word typed since the times were made: placed in the gap its neighbours leave. */
  timed: boolean
}

export interface Bounds {
  startSec: number
  endSec: number
}

/**
 * The words of `text` with times: each word the text kept from the source's words keeps its time;
 * a word typed since fills the gap between its timed neighbours (shared evenly among the typed
 * words there). Empty when the source has no times or no word was kept.
 */
export function tierWords(text: string, source: readonly WordTime[], bounds: Bounds): TierWord[] {
  const words = splitWords(text).map((w) => w.text)
  const kept = keptWords(
    source.map((w) => w.word),
    words,
  )
  if (kept.every((k) => k === null)) return []
  const out: (TierWord | null)[] = kept.map((k, i) => {
    const time = k === null ? undefined : source[k]
    return time
      ? {
          word: words[i]!,
          start: clamp(time.start, bounds),
          end: clamp(time.end, bounds),
          timed: true,
        }
      : null
  })
  for (let i = 0; i < out.length;) {
    if (out[i]) {
      i++
      continue
    }
    let j = i
    while (j < out.length && !out[j]) j++
    const from = i > 0 ? out[i - 1]!.end : bounds.startSec
    const to = j < out.length ? out[j]!.start : bounds.endSec
    const step = Math.max(0, to - from) / (j - i)
    for (let k = i; k < j; k++)
      out[k] = {
        word: words[k]!,
        start: from + step * (k - i),
        end: from + step * (k - i + 1),
        timed: false,
      }
    i = j
  }
  return out as TierWord[]
}

function clamp(t: number, bounds: Bounds): number {
  return Math.min(bounds.endSec, Math.max(bounds.startSec, t))
}

/** The times the tier starts from: the served tier's, or none. */
export function sourceTimes(tier: WordTier | null): WordTime[] {
  return tier?.words ?? []
}

/**
 * A boundary on the tier: the start of word `after` (index), the end of word `before`, or both
 * where the two words touch (moving it moves both, as in Praat).
 */
export interface Boundary {
  before: number | null
  after: number | null
  at: number
}

/** Words closer than this touch: their shared edge is one boundary. */
const TOUCH_SEC = 0.001

/** Every boundary of the tier, in time order. */
export function boundaries(words: readonly WordTime[]): Boundary[] {
  const out: Boundary[] = []
  words.forEach((w, i) => {
    const last = out[out.length - 1]
    if (last && last.before === i - 1 && Math.abs(last.at - w.start) < TOUCH_SEC) last.after = i
    else out.push({ before: null, after: i, at: w.start })
    out.push({ before: i, after: null, at: w.end })
  })
  return out
}

/**
 * The words with one boundary moved to `at`, clamped so that no word ends before it starts,
 * words stay in order and all stay inside the utterance.
 */
export function moveBoundary(
  words: readonly WordTime[],
  boundary: Boundary,
  at: number,
  bounds: Bounds,
): WordTime[] {
  const { before, after } = boundary
  const low = Math.max(
    bounds.startSec,
    before !== null ? words[before]!.start : after! > 0 ? words[after! - 1]!.end : bounds.startSec,
  )
  const high = Math.min(
    bounds.endSec,
    after !== null
      ? words[after]!.end
      : before! + 1 < words.length
        ? words[before! + 1]!.start
        : bounds.endSec,
  )
  const t = Math.min(high, Math.max(low, at))
  return words.map((w, i) => {
    if (i === before) return { word: w.word, start: w.start, end: t }
    if (i === after) return { word: w.word, start: t, end: w.end }
    return { word: w.word, start: w.start, end: w.end }
  })
}
