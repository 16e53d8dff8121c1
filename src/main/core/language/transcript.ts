import type { LanguageSpan } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { Db } from '../db/connection'
import { normalizeForStorage, projectRules } from './rules'

/**
 * A transcript as a person's write stores it: trimmed, runs of white space as one space, and
 * the project's storage normalisation (rules.ts). Every write of typed text goes through this
 * (save, split, merge, a reviewer's edit), so the same words are stored the same way.
 */
export function storedTranscript(db: Db, typed: string): string {
  return normalizeForStorage(typed.trim().replace(/\s+/gu, ' '), projectRules(db))
}

/** Language spans must lie inside the text and not overlap. */
export function checkSpans(text: string, spans: LanguageSpan[]): void {
  const words = text.split(/\s+/u).filter(Boolean).length
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
