import {
  normalizeChars,
  normalizeWords,
  scoringDefaults,
  type NormalizationRules,
} from '../text/normalize'
import { addCounts, align, countsOnly, errorRate, noErrors, type ErrorCounts } from './errors'

export interface UtteranceScore {
  id: string
  reference: string
  hypothesis: string
  words: ErrorCounts
  chars: ErrorCounts
}

export interface TranscriptScores {
  wer: number
  cer: number
  words: ErrorCounts
  chars: ErrorCounts
  utterances: UtteranceScore[]
  /** Reference utterances with no hypothesis: scored as if the hypothesis were empty. */
  missing: string[]
  /** Hypotheses with no reference: not scored. */
  extra: string[]
}

/**
 * WER and CER over utterances matched by id, after the same normalisation on both sides (the
 * project's rules, or scoring's defaults).
 */
export function scoreTranscripts(
  references: Map<string, string>,
  hypotheses: Map<string, string>,
  rules: NormalizationRules = scoringDefaults,
): TranscriptScores {
  let wordTotals = noErrors
  let charTotals = noErrors
  const utterances: UtteranceScore[] = []
  const missing: string[] = []
  for (const [id, reference] of references) {
    const hypothesis = hypotheses.get(id)
    if (hypothesis === undefined) missing.push(id)
    const w = align(normalizeWords(reference, rules), normalizeWords(hypothesis ?? '', rules))
    const c = align(normalizeChars(reference, rules), normalizeChars(hypothesis ?? '', rules))
    const score = {
      id,
      reference,
      hypothesis: hypothesis ?? '',
      words: countsOnly(w),
      chars: countsOnly(c),
    }
    utterances.push(score)
    wordTotals = addCounts(wordTotals, score.words)
    charTotals = addCounts(charTotals, score.chars)
  }
  const extra = [...hypotheses.keys()].filter((id) => !references.has(id))
  return {
    wer: errorRate(wordTotals),
    cer: errorRate(charTotals),
    words: wordTotals,
    chars: charTotals,
    utterances,
    missing,
    extra,
  }
}
