import type { UtteranceComment } from '../../../shared/domain'
import { editableRow, servedRow } from '../annotate/editor'
import type { WriteDb } from '../db/connection'
import { commentSelect, insertComment, toComment, type CommentRow } from './thread'

/** An utterance's thread, oldest first; served as the utterance is (it exists, its speaker consented). */
export function commentThread(
  db: WriteDb,
  utteranceId: number,
  now = new Date().toISOString(),
): UtteranceComment[] {
  servedRow(db, utteranceId, now)
  return (
    db
      .prepare(`${commentSelect} WHERE c.utterance_id = ? ORDER BY c.id`)
      .all(utteranceId) as CommentRow[]
  ).map(toComment)
}

/** A comment by the acting profile on an utterance that profile may work on. */
export function addComment(
  db: WriteDb,
  input: { utteranceId: number; actorId: number; text: string },
  now = new Date().toISOString(),
): UtteranceComment {
  return db
    .transaction(() => {
      editableRow(db, input.utteranceId, input.actorId, now)
      return insertComment(
        db,
        { utteranceId: input.utteranceId, authorId: input.actorId, text: input.text },
        now,
      )
    })
    .immediate()
}
