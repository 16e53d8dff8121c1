/*
 * The one rule for what a model computed from an utterance's audio (its hypotheses, acquisition
 * measures, forced alignments): it describes the utterance only while the utterance still spans
 * the audio it was computed from (docs/ARCHITECTURE.md, "What a model read"). Each stored row
 * records that span; after an edge moves, a split or a merge, older rows stay as history but
 * count as not decoded. `fitsSpanSql` is the SQL fragment, `fitsSpan` its twin for rows read.
 */

import { MODEL_SAMPLE_RATE } from '../../../shared/domain/audio'

/** An utterance's place in its recording, in seconds. */
export interface Span {
  startSec: number
  endSec: number
}

/**
 * The samples a span covers in its recording's 16 kHz copy, [start, end): exactly what the
 * encoder reads for it, so two spans that read different audio never share what was computed.
 */
export function spanSamples(span: Span): { start: number; end: number } {
  const start = Math.max(0, Math.floor(span.startSec * MODEL_SAMPLE_RATE))
  return { start, end: Math.max(start, Math.round(span.endSec * MODEL_SAMPLE_RATE)) }
}

/** Aliases the queries give the tables whose rows record a span, and the utterance table. */
type DecodedAlias = 'h' | 'best' | 'a' | 'wa' | 'hypothesis'
type UtteranceAlias = 'u' | 'utterance'

/**
 * True in SQL when the row `decoded` (a hypothesis, acquisition or alignment row) was computed
 * from the span `utterance` has now. Spans are copied from the utterance row as they are, so
 * equality is exact; a row with no span (written before schema 20 from a span since changed)
 * never fits.
 */
export function fitsSpanSql(decoded: DecodedAlias, utterance: UtteranceAlias): string {
  return `(${decoded}.start_sec = ${utterance}.start_sec AND ${decoded}.end_sec = ${utterance}.end_sec)`
}

/** `fitsSpanSql` for rows already read. */
export function fitsSpan(
  decoded: { startSec: number | null; endSec: number | null },
  utterance: Span,
): boolean {
  return decoded.startSec === utterance.startSec && decoded.endSec === utterance.endSec
}
