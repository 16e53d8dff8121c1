import type { LanguageSpan, TagAgreement } from '../domain'
import { typedWords, wordLanguages } from '../text/language-spans'
import { normalize, scoringDefaults, type NormalizationRules } from '../text/normalize'
import { align } from './errors'

/** A transcript with its per-word language tags. */
export interface TaggedTranscript {
  text: string
  spans: readonly LanguageSpan[]
}

/**
 * How far two annotators' language tags agree (docs/review.md, "Agreement"): the two versions'
 * words are aligned as the adjudication view aligns them (equal when they normalise the same),
 * and of the words both wrote, those tagged with different languages are counted. An untagged
 * word is in the utterance's matrix language, so tagging it with that language changes nothing.
 * Words only one version has are the word error rate's business, not this figure's.
 */
export function tagAgreement(
  a: TaggedTranscript,
  b: TaggedTranscript,
  matrix: string,
  rules: NormalizationRules = scoringDefaults,
): TagAgreement {
  const key = (w: string): string => normalize(w, rules)
  const aWords = typedWords(a.text)
  const bWords = typedWords(b.text)
  const aLangs = wordLanguages(a.text, a.spans, matrix)
  const bLangs = wordLanguages(b.text, b.spans, matrix)
  let compared = 0
  let differing = 0
  let i = 0
  let j = 0
  for (const { op } of align(aWords, bWords, (x, y) => key(x) === key(y)).ops) {
    if (op === 'ok') {
      compared++
      if (aLangs[i] !== bLangs[j]) differing++
    }
    if (op !== 'ins') i++
    if (op !== 'del') j++
  }
  return withTagRate(compared, differing)
}

/** Several utterances' figures as one: counts summed, the rate taken from the sums. */
export function sumTagAgreement(all: readonly TagAgreement[]): TagAgreement {
  return withTagRate(
    all.reduce((n, t) => n + t.compared, 0),
    all.reduce((n, t) => n + t.differing, 0),
  )
}

function withTagRate(compared: number, differing: number): TagAgreement {
  return { compared, differing, rate: compared === 0 ? 0 : differing / compared }
}
