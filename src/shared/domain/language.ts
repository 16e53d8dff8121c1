/** Words with their scripts and language tags. */

/** One typed word of a transcript with its script, its language tag and a suggestion. */
export interface TokenInfo {
  /** Word index, as language spans count them. */
  index: number
  token: string
  /** Unicode script of the word (docs/metrics.md, "Scripts per token"). */
  script: string
  /** The language a span gives it; null when untagged. */
  lang: string | null
  /** For untagged words only: a suggestion for the annotator to confirm, never applied. */
  suggestion: { lang: string | null; score: number; by: 'script' | 'ngram' | 'none' } | null
}

export interface LanguageTokens {
  text: string
  tokens: TokenInfo[]
  /** The per-project language identifier behind the suggestions; null before anything is tagged. */
  identifier: { trainedOnRevisions: number; languages: string[]; trainedAt: string } | null
}
