import type { FlagReason, LanguageSpan, RevisionInfo } from '../../../shared/domain'
import { isAnnotatorText } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { serialiseWordTimes, type WordTime } from '../../../shared/word-time'
import { referenceReader } from '../asr/head-output'
import type { WriteDb } from '../db/connection'
import { storedTranscript } from '../language/rules'

/* What a save of the editor may store, and whether it stores anything (editor.ts saves). */

export interface SaveInput {
  id: number
  actorId: number
  baseRevisionId: number | null
  hypothesisId: number | null
  text: string
  spans: LanguageSpan[]
  /** Word times set on the word tier, one per word of the text; stored with the revision. */
  wordTimes?: WordTime[]
  draft: boolean
  status: 'corrected' | 'skipped' | 'flagged'
  flagReason?: FlagReason
}

/**
 * A save may name the hypothesis its text started from only when it is the utterance's own. A
 * reference (its head writes phones or not the utterance's language; asr/head-output.ts) is
 * never a transcript, so its text is refused as the transcript, as "accept as is" would store it.
 */
export function requireOwnHypothesis(db: WriteDb, input: SaveInput, text: string): void {
  if (input.hypothesisId === null) return
  const row = db
    .prepare(
      `SELECT h.text, h.model_id, h.checkpoint_id, u.language FROM hypothesis h JOIN utterance u ON u.id = h.utterance_id
       WHERE h.id = ? AND h.utterance_id = ?`,
    )
    .get(input.hypothesisId, input.id) as
    | { text: string; model_id: number; checkpoint_id: number | null; language: string | null }
    | undefined
  if (!row)
    throw SautiError.saying('validation', 'foreignHypothesis', {
      hypothesis: input.hypothesisId,
      id: input.id,
    })
  const reason = referenceReader(db)({
    modelId: row.model_id,
    checkpointId: row.checkpoint_id,
    language: row.language,
  })
  if (reason && text === storedTranscript(db, row.text))
    throw SautiError.saying(
      'validation',
      reason === 'phones' ? 'phoneticReference' : 'languageReference',
      { hypothesis: input.hypothesisId },
      { reference: reason },
    )
}

/**
 * Whether the save appends a revision. A draft (autosave) does when the text or spans changed;
 * a final correction does unless the newest revision is already this annotator's identical
 * decision; a skip or flag keeps what was typed when it changed something (as a draft).
 */
export function appends(
  input: SaveInput,
  text: string,
  head: RevisionInfo | null,
  annotator: string,
  times: { mine: WordTime[] | null; theirs: WordTime[] | null },
): boolean {
  const words = (w: WordTime[] | null): string | null => (w ? serialiseWordTimes(w) : null)
  const changed =
    !head ||
    head.text !== text ||
    JSON.stringify(head.spans) !== JSON.stringify(input.spans) ||
    (times.mine !== null && words(times.mine) !== words(times.theirs))
  if (input.draft) return changed
  if (input.status !== 'corrected') return changed && (text !== '' || head !== null)
  const decided = head !== null && isAnnotatorText(head) && head.annotator === annotator && !changed
  return !decided
}
