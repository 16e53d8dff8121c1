import type { LanguageSpan, LanguageTokens, TokenInfo } from '../../../shared/domain'
import { typedWords, wordLanguages } from '../../../shared/text/language-spans'
import { normalizeWords } from '../../../shared/text/normalize'
import { tokenScript } from '../../../shared/text/script'
import { utteranceDetail } from '../annotate/editor'
import type { WriteDb } from '../db/connection'
import { projectIdentifier } from './identifier'
import { projectRules } from './rules'

/** Each word's script, for the reviewer's history. */
export function wordScripts(text: string): { token: string; script: string }[] {
  return typedWords(text).map((token) => ({ token, script: tokenScript(token) }))
}

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
  if ('utteranceId' in input) {
    // Through the editor's read, so consent and blind double annotation apply as there.
    const detail = utteranceDetail(db, input.utteranceId, undefined, input.viewerId)
    text = detail.head?.text ?? detail.hypotheses.find((h) => !h.reference)?.text ?? ''
    spans = detail.head?.spans ?? []
  } else {
    text = input.text
    spans = input.spans
  }
  const rules = projectRules(db)
  const trained = projectIdentifier(db)
  const words = typedWords(text)
  const tags = wordLanguages(text, spans, '')
  const tokens = words.map((token, index): TokenInfo => {
    const lang = tags[index] || null
    let suggestion: TokenInfo['suggestion'] = null
    if (lang === null && trained) {
      // Scored as trained: normalised, and a word that splits by its longest piece.
      const pieces = normalizeWords(token, rules).sort((a, b) => b.length - a.length)
      const s = pieces[0] ? trained.identifier.suggest([pieces[0]])[0] : undefined
      if (s) suggestion = { lang: s.lang, score: s.score, by: s.by }
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
