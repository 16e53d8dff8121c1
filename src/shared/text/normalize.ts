/**
 * Text normalisation for scoring, applied identically to references and hypotheses
 * (docs/metrics.md): Unicode NFC; lower case (locale-independent); punctuation removed except
 * apostrophes and hyphens inside a word ("don't", "co-operate"); whitespace collapsed.
 * Scripts, numerals and diacritics are left as they are: "café" and "cafe" are different words.
 */
const wordChar = /[\p{L}\p{M}\p{N}]/u

export function normalizeForScoring(text: string): string {
  const lowered = text.normalize('NFC').toLowerCase().replace(/’/g, "'")
  return lowered
    .replace(/[\p{P}\p{S}]/gu, (mark, at: number) => {
      const inWord = wordChar.test(lowered[at - 1] ?? '') && wordChar.test(lowered[at + 1] ?? '')
      return inWord && (mark === "'" || mark === '-') ? mark : ' '
    })
    .replace(/\s+/gu, ' ')
    .trim()
}

export function words(text: string): string[] {
  const normalized = normalizeForScoring(text)
  return normalized ? normalized.split(' ') : []
}

/** Characters for CER: the normalised text's code points, spaces between words included. */
export function characters(text: string): string[] {
  return Array.from(normalizeForScoring(text))
}
