import type { LanguageSpan } from '../domain'
import { SautiError } from '../errors'

/**
 * Language spans index the words of the text as typed (split at whitespace, as the editor
 * stores them), while scoring counts normalised tokens: a word can normalise to none ("—"),
 * one, or several ("office/home", or 行きます as MER's characters). Each token keeps the
 * language of the word it came from.
 */
export interface LanguageToken {
  token: string
  lang: string
  /** Index of the typed word it came from. */
  word: number
}

/** The language of each typed word: its span's, else `defaultLang`. */
export function wordLanguages(
  text: string,
  spans: readonly LanguageSpan[],
  defaultLang: string,
): string[] {
  const count = typedWords(text).length
  const langs = new Array<string>(count).fill(defaultLang)
  for (const s of spans)
    for (let i = Math.max(0, s.start); i < Math.min(count, s.end); i++) langs[i] = s.lang
  return langs
}

/** Spans from each word's language (null: untagged): consecutive words of one language join. */
export function spansFromLanguages(langs: readonly (string | null)[]): LanguageSpan[] {
  const spans: LanguageSpan[] = []
  langs.forEach((lang, i) => {
    if (lang === null) return
    const last = spans[spans.length - 1]
    if (last && last.lang === lang && last.end === i) last.end = i + 1
    else spans.push({ start: i, end: i + 1, lang })
  })
  return spans
}

/**
 * Tokens of the text with their languages. `tokenize` turns one typed word into its tokens
 * (normalised words, or MER units); normalising word by word gives the same tokens as
 * normalising the whole text, because no rule looks across whitespace.
 */
export function tokensWithLanguage(
  text: string,
  spans: readonly LanguageSpan[],
  defaultLang: string,
  tokenize: (word: string) => string[],
): LanguageToken[] {
  const langs = wordLanguages(text, spans, defaultLang)
  return typedWords(text).flatMap((w, word) =>
    tokenize(w).map((token) => ({ token, lang: langs[word]!, word })),
  )
}

/** The words of a transcript as typed (split at whitespace): what language spans index. */
export function typedWords(text: string): string[] {
  return text.split(/\s+/u).filter(Boolean)
}

/** Spans must lie inside the text and not overlap (as the annotator's editor requires). */
export function checkLanguageSpans(text: string, spans: readonly LanguageSpan[]): void {
  const words = typedWords(text).length
  const sorted = [...spans].sort((a, b) => a.start - b.start)
  sorted.forEach((s, i) => {
    if (s.end > words)
      throw new SautiError(
        'validation',
        `a language span ends at word ${s.end}, but the text has ${words} words`,
      )
    const next = sorted[i + 1]
    if (next && next.start < s.end)
      throw new SautiError('validation', `language spans overlap at word ${next.start}`)
  })
}
