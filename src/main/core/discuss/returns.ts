import type { ReturnedNote } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'
import { insertComment } from './thread'

/**
 * A rejection, inside the reviewer's transaction: its comment joins the utterance's thread, and
 * the utterance is marked as returned to the annotator whose revision was rejected, who gets it
 * first in their queue until someone decides it again (a trigger ends the return then).
 */
export function returnToAnnotator(
  db: WriteDb,
  input: { utteranceId: number; revisionId: number; reviewId: number; reviewerId: number },
  comment: string,
  now: string,
): void {
  if (comment.trim())
    insertComment(
      db,
      {
        utteranceId: input.utteranceId,
        authorId: input.reviewerId,
        text: comment.trim(),
        reviewId: input.reviewId,
      },
      now,
    )
  const author = db
    .prepare(
      "SELECT annotator_id FROM revision WHERE id = ? AND source_kind = 'annotator' AND annotator_id <> ?",
    )
    .get(input.revisionId, input.reviewerId) as { annotator_id: number } | undefined
  db.prepare('UPDATE utterance SET returned_review_id = ?, returned_to = ? WHERE id = ?').run(
    input.reviewId,
    author?.annotator_id ?? null,
    input.utteranceId,
  )
}

/** Why an utterance came back, while it is returned: the reviewer, their comment, to whom. */
export function returnedNote(db: WriteDb, utteranceId: number): ReturnedNote | null {
  const row = db
    .prepare(
      `SELECT r.id, rv.name AS reviewer, r.comment, r.created_at, t.name AS returned_to
       FROM utterance u JOIN review r ON r.id = u.returned_review_id
       JOIN annotator rv ON rv.id = r.reviewer_id LEFT JOIN annotator t ON t.id = u.returned_to
       WHERE u.id = ?`,
    )
    .get(utteranceId) as
    | {
        id: number
        reviewer: string
        comment: string
        created_at: string
        returned_to: string | null
      }
    | undefined
  return row
    ? {
        reviewId: row.id,
        reviewer: row.reviewer,
        comment: row.comment,
        at: row.created_at,
        returnedTo: row.returned_to,
      }
    : null
}
