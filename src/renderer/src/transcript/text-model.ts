/**
 * The transcript as the editor sees it: words with character offsets, the model's confidence
 * and timing carried over to the words the annotator kept, and language spans that follow the
 * words they tag through edits. Pure functions, unit-tested.
 */
import { diffArrays } from 'diff'
import type { Hypothesis, LanguageSpan } from '../../../shared/domain'
import { spansFromLanguages } from '../../../shared/text/language-spans'
import type { WordTime } from '../../../shared/word-time'

export interface Word {
  text: string
  /** Character offsets in the text: [start, end). */
  start: number
  end: number
}

export function splitWords(text: string): Word[] {
  const words: Word[] = []
  for (const match of text.matchAll(/\S+/gu)) {
    words.push({ text: match[0], start: match.index, end: match.index + match[0].length })
  }
  return words
}

/** The index of the word at (or just before) a caret offset, or -1 in an empty text. */
export function wordAt(words: Word[], offset: number): number {
  if (words.length === 0) return -1
  for (let i = 0; i < words.length; i++) {
    if (offset <= words[i]!.end) return offset >= words[i]!.start || i === 0 ? i : i - 1
  }
  return words.length - 1
}

/** Words overlapped by a selection [from, to); a collapsed selection is the word at the caret. */
export function wordsInSelection(words: Word[], from: number, to: number): [number, number] | null {
  if (from === to) {
    const i = wordAt(words, from)
    return i < 0 ? null : [i, i + 1]
  }
  const inside = words
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => w.end > from && w.start < to)
    .map(({ i }) => i)
  return inside.length ? [inside[0]!, inside[inside.length - 1]! + 1] : null
}

/**
 * For each word of `after`, the index of the same word in `before` when the edit kept it, else
 * null (typed or changed by the annotator). An LCS word diff, so a kept word keeps its identity
 * even when words around it change.
 */
export function keptWords(before: string[], after: string[]): (number | null)[] {
  const mapping: (number | null)[] = []
  let i = 0
  for (const part of diffArrays(before, after)) {
    const n = part.value.length
    if (part.added) for (let k = 0; k < n; k++) mapping.push(null)
    else if (part.removed) i += n
    else for (let k = 0; k < n; k++) mapping.push(i++)
  }
  return mapping
}

export interface ShadedWord extends Word {
  /** The model's confidence in this word, or null where the model did not write it. */
  confidence: number | null
  /** Typed by the annotator: neither the model's word nor one of the text the field started from. */
  edited: boolean
  /** The confidence is P(word right), calibrated on the dev split, not the model's raw score. */
  calibrated: boolean
  time: WordTime | null
  lang: string | null
}

/**
 * Words with what the model said about them (when kept from `hypothesis`) and their language.
 * `startedFrom` is text the field began with that is not the model's (another recogniser's output
 * brought by an import): its words are not the annotator's typing either.
 */
export function shadeWords(
  text: string,
  hypothesis: Hypothesis | null,
  spans: LanguageSpan[],
  startedFrom: string | null = null,
): ShadedWord[] {
  const words = splitWords(text)
  const hypWords = hypothesis ? hypothesis.text.split(/\s+/u).filter(Boolean) : []
  const kept = keptWords(
    hypWords,
    words.map((w) => w.text),
  )
  const fromStart =
    startedFrom === null
      ? []
      : keptWords(
          splitWords(startedFrom).map((w) => w.text),
          words.map((w) => w.text),
        )
  return words.map((w, i) => {
    const k = kept[i] ?? null
    const span = spans.find((s) => i >= s.start && i < s.end)
    return {
      ...w,
      edited: k === null && (fromStart[i] ?? null) === null,
      confidence: k !== null && hypothesis ? (hypothesis.wordConfidences[k] ?? null) : null,
      calibrated: hypothesis?.calibrated ?? false,
      time: k !== null && hypothesis ? (hypothesis.wordTimes[k] ?? null) : null,
      lang: span?.lang ?? null,
    }
  })
}

/** Language spans carried from `before` to `after`: each span follows the words it tagged. */
export function remapSpans(before: string, after: string, spans: LanguageSpan[]): LanguageSpan[] {
  if (spans.length === 0) return spans
  const oldWords = splitWords(before).map((w) => w.text)
  const newWords = splitWords(after).map((w) => w.text)
  const kept = keptWords(oldWords, newWords)
  const langOf = (oldIndex: number): string | null =>
    spans.find((s) => oldIndex >= s.start && oldIndex < s.end)?.lang ?? null
  // A word typed inside a tagged stretch (its nearest kept neighbours share a language) joins it.
  const fromKept = kept.map((k) => (k === null ? null : langOf(k)))
  const langs = fromKept.map((lang, i) => {
    if (kept[i] !== null) return lang
    const left = fromKept.slice(0, i).findLast((_, j) => kept[j] !== null) ?? null
    const right = fromKept.slice(i + 1).find((_, j) => kept[i + 1 + j] !== null) ?? null
    return left !== null && left === right ? left : null
  })
  return spansFromLanguages(langs)
}

/** Tags words [from, to) with a language (or removes their tag with null). */
export function tagWords(
  wordCount: number,
  spans: LanguageSpan[],
  from: number,
  to: number,
  lang: string | null,
): LanguageSpan[] {
  const langs: (string | null)[] = Array.from(
    { length: wordCount },
    (_, i) => spans.find((s) => i >= s.start && i < s.end)?.lang ?? null,
  )
  for (let i = from; i < Math.min(to, wordCount); i++) langs[i] = lang
  return spansFromLanguages(langs)
}

export interface DiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/** A word diff of an alternative against the current text: what picking it would change. */
export function wordDiff(current: string, alternative: string): DiffPart[] {
  const a = current.split(/\s+/u).filter(Boolean)
  const b = alternative.split(/\s+/u).filter(Boolean)
  return diffArrays(a, b).map((part) => ({
    kind: part.added ? 'added' : part.removed ? 'removed' : 'same',
    text: part.value.join(' '),
  }))
}

/** Splits the text at a time in the recording using the word times it carries. */
export function splitTextAt(words: ShadedWord[], atSec: number): [string, string] {
  let cut = words.findIndex((w) => w.time !== null && (w.time.start + w.time.end) / 2 >= atSec)
  if (cut < 0) cut = words.length
  const left = words.slice(0, cut).map((w) => w.text)
  const right = words.slice(cut).map((w) => w.text)
  return [left.join(' '), right.join(' ')]
}
