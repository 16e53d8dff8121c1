import type { Hypothesis, RevisionInfo, WordTier } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { typedWords } from '../../../shared/text/language-spans'
import { parseWordTimes, type WordTime } from '../../../shared/word-time'
import { fitsSpanSql, type Span } from '../asr/decoded-span'
import type { ReadDb } from '../db/connection'

/*
 * The word tier (docs/tiers.md): which times the editor shows for a revision's words, and the
 * check a writer's own times pass before they are stored with a revision.
 */

/** Rounding slack: times come from pointer positions and decimal text files. */
const SLACK_SEC = 0.0005

/**
 * Word times a writer set, made fit to store with `text`: one per word, each word named as the
 * stored text writes it, in order, not overlapping, inside the utterance. Refused in words
 * otherwise; a pointer's rounding past an edge is clamped to it.
 */
export function checkedWordTimes(
  text: string,
  times: readonly WordTime[],
  bounds: { startSec: number; endSec: number },
): WordTime[] {
  const words = typedWords(text)
  if (times.length !== words.length)
    throw SautiError.saying('validation', 'wordTimesCount', {
      times: times.length,
      words: words.length,
    })
  let previousEnd = bounds.startSec
  return words.map((word, i): WordTime => {
    const t = times[i]!
    if (t.start < previousEnd - SLACK_SEC || t.end > bounds.endSec + SLACK_SEC || t.end < t.start)
      throw SautiError.saying('validation', 'wordOutside', {
        n: i + 1,
        word,
        start: t.start.toFixed(3),
        end: t.end.toFixed(3),
        from: bounds.startSec.toFixed(3),
        to: bounds.endSec.toFixed(3),
      })
    const start = Math.max(t.start, previousEnd)
    const end = Math.min(Math.max(t.end, start), bounds.endSec)
    previousEnd = end
    return { word, start, end }
  })
}

/**
 * Word times for a transcript when they fit it and the utterance's span: one per word, in order,
 * inside the utterance; else none. A file's word tier that does not fit is imported without
 * times; a revision's own times that its utterance's edges have since cut through are not shown
 * (the text is aligned to the new span instead; docs/tiers.md).
 */
export function fittingWordTimes(
  text: string,
  words: readonly WordTime[],
  bounds: { startSec: number; endSec: number },
): WordTime[] | null {
  if (words.length === 0) return null
  try {
    return checkedWordTimes(text, words, bounds)
  } catch {
    return null
  }
}

/** The word times stored with a revision (schema 18), or null when its writer set none. */
export function revisionWordTimes(db: ReadDb, revisionId: number): WordTime[] | null {
  const row = db.prepare('SELECT word_times FROM revision WHERE id = ?').get(revisionId) as
    { word_times: string | null } | undefined
  return row?.word_times ? parseWordTimes(row.word_times) : null
}

/**
 * The times forced alignment found for a revision's text after its save, if it ran on the
 * utterance's span as it is now (asr/decoded-span.ts): an alignment to other audio is not used.
 */
function alignedWordTimes(db: ReadDb, revisionId: number): WordTime[] | null {
  const row = db
    .prepare(
      `SELECT wa.word_times FROM word_alignment wa JOIN revision v ON v.id = wa.revision_id
       JOIN utterance u ON u.id = v.utterance_id
       WHERE wa.revision_id = ? AND ${fitsSpanSql('wa', 'u')}`,
    )
    .get(revisionId) as { word_times: string } | undefined
  return row ? parseWordTimes(row.word_times) : null
}

/**
 * The word tier of what the editor shows: the head revision's own times while they still fit the
 * utterance's span, else its alignment to that span, else the hypothesis it started from (or the
 * best one) of those decoded from that span, whose words the editor matches to the text's. Null
 * with no times at all (never labelled, never aligned).
 */
export function wordTierOf(
  db: ReadDb,
  head: RevisionInfo | null,
  hypotheses: readonly Hypothesis[],
  span: Span,
): WordTier | null {
  if (head) {
    const own = revisionWordTimes(db, head.id)
    if (own && fittingWordTimes(head.text, own, span))
      return { source: 'revision', words: own, by: head.annotator ?? head.sourceKind }
    const aligned = alignedWordTimes(db, head.id)
    if (aligned) return { source: 'alignment', words: aligned, by: null }
  }
  const transcripts = hypotheses.filter((h) => !h.reference && h.wordTimes.length > 0)
  const hypothesis = transcripts.find((h) => h.id === head?.hypothesisId) ?? transcripts[0]
  return hypothesis ? { source: 'hypothesis', words: hypothesis.wordTimes, by: null } : null
}
