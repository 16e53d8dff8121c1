import type { AnnotatorRole, UtteranceComment } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'

/* The thread's rows, written by comments.ts (people) and returns.ts (rejections). */

export interface CommentRow {
  id: number
  utterance_id: number
  author: string
  author_role: AnnotatorRole
  text: string
  review_id: number | null
  created_at: string
}

export const commentSelect = `
  SELECT c.id, c.utterance_id, a.name AS author, a.role AS author_role, c.text, c.review_id, c.created_at
  FROM utterance_comment c JOIN annotator a ON a.id = c.author_id`

export const toComment = (r: CommentRow): UtteranceComment => ({
  id: r.id,
  utteranceId: r.utterance_id,
  author: r.author,
  authorRole: r.author_role,
  text: r.text,
  reviewId: r.review_id,
  createdAt: r.created_at,
})

export function insertComment(
  db: WriteDb,
  input: { utteranceId: number; authorId: number; text: string; reviewId?: number },
  now: string,
): UtteranceComment {
  const id = Number(
    db
      .prepare(
        `INSERT INTO utterance_comment (utterance_id, author_id, text, review_id, created_at)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(input.utteranceId, input.authorId, input.text, input.reviewId ?? null, now)
      .lastInsertRowid,
  )
  return toComment(db.prepare(`${commentSelect} WHERE c.id = ?`).get(id) as CommentRow)
}
