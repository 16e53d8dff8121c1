import type {
  FlagReason,
  LanguageSpan,
  RevisionInfo,
  UtteranceStatus,
} from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { leaveRanking } from '../adapt/acquisition'
import type { Db } from '../db/connection'
import { storedTranscript } from '../language/rules'
import { appendRevision } from '../provenance/revisions'
import { claimSlot, recordVersion } from '../review/blind'
import { editableRow, requireBase, revisionInfo } from './editor'

export interface SaveInput {
  id: number
  actorId: number
  baseRevisionId: number | null
  hypothesisId: number | null
  text: string
  spans: LanguageSpan[]
  draft: boolean
  status: 'corrected' | 'skipped' | 'flagged'
  flagReason?: FlagReason
}

function requireOwnHypothesis(db: Db, input: SaveInput): void {
  if (input.hypothesisId === null) return
  if (
    !db
      .prepare('SELECT 1 FROM hypothesis WHERE id = ? AND utterance_id = ?')
      .get(input.hypothesisId, input.id)
  )
    throw new SautiError(
      'validation',
      `hypothesis ${input.hypothesisId} does not belong to utterance ${input.id}`,
    )
}

/**
 * Whether the save appends a revision. A draft (autosave) does when the text or spans changed;
 * a final correction does unless the newest revision is already this annotator's identical
 * decision; a skip or flag keeps what was typed when it changed something (as a draft).
 */
function appends(
  input: SaveInput,
  text: string,
  head: RevisionInfo | null,
  annotator: string,
): boolean {
  const changed =
    !head || head.text !== text || JSON.stringify(head.spans) !== JSON.stringify(input.spans)
  if (input.draft) return changed
  if (input.status !== 'corrected') return changed && (text !== '' || head !== null)
  const decided =
    head !== null &&
    !head.draft &&
    head.sourceKind === 'annotator' &&
    head.annotator === annotator &&
    !changed
  return !decided
}

/**
 * Saves the editor in one transaction, in three steps: blind double annotation says which
 * revision this writer's version sits on (review/blind.ts), the save appends its revision, and
 * blind double annotation records what the version means for the pair. A draft leaves the
 * status alone; a final save sets it (unless it is the first of two blind versions) and takes
 * the utterance out of the "most useful first" order.
 */
export function saveUtterance(
  db: Db,
  input: SaveInput,
  now = new Date().toISOString(),
): { revision: RevisionInfo | null; status: UtteranceStatus } {
  return db.transaction(() => {
    const { row, annotator } = editableRow(db, input.id, input.actorId, now)
    const text = storedTranscript(db, input.text, input.spans)
    requireOwnHypothesis(db, input)

    const slot = claimSlot(db, input.id, input.actorId, now)
    const head = requireBase(db, input.id, input.baseRevisionId, slot.headId)

    const stored = appends(input, text, head, annotator)
      ? appendRevision(db, {
          utteranceId: input.id,
          text,
          spans: input.spans,
          source: { kind: 'annotator', annotatorId: input.actorId },
          hypothesisId: input.hypothesisId,
          draft: input.draft || input.status !== 'corrected',
          createdAt: now,
        })
      : null
    const revision = stored ? revisionInfo(db, stored.id) : null

    if (input.draft) return { revision, status: row.status }
    const complete = input.status !== 'corrected' || recordVersion(db, slot).complete
    leaveRanking(db, input.id)
    if (!complete) return { revision, status: row.status }
    db.prepare('UPDATE utterance SET status = ?, flag_reason = ? WHERE id = ?').run(
      input.status,
      input.status === 'flagged' ? (input.flagReason ?? null) : null,
      input.id,
    )
    return { revision, status: input.status }
  })()
}
