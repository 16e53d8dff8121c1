import type { LanguageSpan, LanguageTokens, TokenInfo } from '../../../shared/domain'
import { typedWords, wordLanguages } from '../../../shared/text/language-spans'
import { normalizeWords } from '../../../shared/text/normalize'
import { isCompositeTag } from '../../../shared/text/language-id'
import { tokenScript } from '../../../shared/text/script'
import { utteranceDetail } from '../annotate/editor'
import type { WriteDb } from '../db/connection'
import { projectIdentifier } from './identifier'
import { projectRules } from './rules'

/** Each word's script, for the reviewer's history. */
export function wordScripts(text: string): { token: string; script: string }[] {
  return typedWords(text).map((token) => ({ token, script: tokenScript(token) }))
}

/**
 * How much the project's identifier must have learnt before it suggests (docs/review.md): every
 * language a word could be in trained on about 40 words of its script, and the suggested one at
 * least 90% likely among them. Below that a suggestion is a guess, and guesses train people to
 * click "accept" without reading.
 */
export const MIN_EVIDENCE_CHARS = 200
export const MIN_SUGGESTION_SCORE = 0.9

export type TokensInput =
  { utteranceId: number; viewerId: number | null } | { text: string; spans: LanguageSpan[] }

/**
 * Every word of a transcript with its script and language tag, and for untagged words a
 * language suggestion (docs/review.md): by script where only one of the project's languages
 * is written in it, else by the project's n-gram identifier. Returned, never applied.
 */
export function languageTokens(db: WriteDb, input: TokensInput): LanguageTokens {
  let text: string
  let spans: LanguageSpan[]
  let matrix: string | null = null
  if ('utteranceId' in input) {
    // Through the editor's read, so consent and blind double annotation apply as there.
    const detail = utteranceDetail(db, input.utteranceId, undefined, input.viewerId)
    text = detail.head?.text ?? detail.hypotheses.find((h) => !h.reference)?.text ?? ''
    spans = detail.head?.spans ?? []
    matrix = detail.utterance.language
  } else {
    text = input.text
    spans = input.spans
  }
  const rules = projectRules(db)
  const trained = projectIdentifier(db)
  const words = typedWords(text)
  const tags = wordLanguages(text, spans, '')
  // The utterance's own language(s) compete too: a mix ("hi-en") by its parts.
  const own = matrix ? matrix.split('-').filter((part) => /^[a-z]{2,3}$/.test(part)) : []
  const evidence = {
    languages: matrix && isCompositeTag(matrix) ? own : own.slice(0, 1),
    minEvidence: MIN_EVIDENCE_CHARS,
    minScore: MIN_SUGGESTION_SCORE,
  }
  const tokens = words.map((token, index): TokenInfo => {
    const lang = tags[index] || null
    let suggestion: TokenInfo['suggestion'] = null
    if (lang === null && trained) {
      // Scored as trained: normalised, and a word that splits by its longest piece.
      const pieces = normalizeWords(token, rules).sort((a, b) => b.length - a.length)
      const s = pieces[0] ? trained.identifier.suggest([pieces[0]], evidence)[0] : undefined
      // An untagged word is already in a single matrix language: suggesting it says nothing.
      if (s?.lang && s.lang !== matrix) suggestion = { lang: s.lang, score: s.score, by: s.by }
    }
    return { index, token, script: tokenScript(token), lang, suggestion }
  })
  return {
    text,
    tokens,
    identifier: trained
      ? {
          trainedOnRevisions: trained.trainedOnRevisions,
          languages: trained.languages,
          trainedAt: trained.trainedAt,
        }
      : null,
  }
}
