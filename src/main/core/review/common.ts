import type { LanguageSpan, ReviewVerdict, RevisionInfo } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import { appendRevision, revisionInfo, type StoredRevision } from '../provenance/revisions'

/** Reviews are for reviewers and leads; profiles are local, so this guards against mistakes. */
export function requireReviewer(db: WriteDb, annotatorId: number): { id: number; name: string } {
  const row = db.prepare('SELECT id, name, role FROM annotator WHERE id = ?').get(annotatorId) as
    { id: number; name: string; role: string } | undefined
  if (!row) throw SautiError.saying('not_found', 'noProfile', { id: annotatorId })
  if (row.role === 'annotator')
    throw SautiError.saying('forbidden', 'notReviewer', { name: row.name })
  return { id: row.id, name: row.name }
}

export function insertReview(
  db: WriteDb,
  input: { revisionId: number; actorId: number; verdict: 'approve' | 'reject'; comment: string },
  now: string,
): ReviewVerdict {
  const id = Number(
    db
      .prepare(
        'INSERT INTO review (revision_id, reviewer_id, verdict, comment, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(input.revisionId, input.actorId, input.verdict, input.comment, now).lastInsertRowid,
  )
  return reviewVerdicts(db, [input.revisionId]).find((r) => r.id === id)!
}

/**
 * Stores a reviewer's own revision (a correction, or an adjudication's merge) with the reviewer
 * as its source, approves it unless told otherwise, and sets the utterance's status to match:
 * reviewed when approved, else corrected.
 */
export function appendReviewerRevision(
  db: WriteDb,
  reviewer: { id: number; name: string },
  input: {
    utteranceId: number
    text: string
    spans: LanguageSpan[]
    comment: string
    approve: boolean
    mergeParentId?: number
  },
  now: string,
): {
  stored: StoredRevision
  revision: RevisionInfo
  review: ReviewVerdict | null
  status: 'reviewed' | 'corrected'
} {
  const stored = appendRevision(db, {
    utteranceId: input.utteranceId,
    text: input.text,
    spans: input.spans,
    source: { kind: 'annotator', annotatorId: reviewer.id },
    mergeParentId: input.mergeParentId,
    createdAt: now,
  })
  const review = input.approve
    ? insertReview(
        db,
        { revisionId: stored.id, actorId: reviewer.id, verdict: 'approve', comment: input.comment },
        now,
      )
    : null
  const status = input.approve ? 'reviewed' : 'corrected'
  db.prepare('UPDATE utterance SET status = ?, flag_reason = NULL WHERE id = ?').run(
    status,
    input.utteranceId,
  )
  return { stored, revision: revisionInfo(stored, reviewer.name), review, status }
}

/** The reviews of some revisions, oldest first. */
export function reviewVerdicts(db: WriteDb, revisionIds: number[]): ReviewVerdict[] {
  const rows = db
    .prepare(
      `SELECT r.id, r.revision_id, a.name AS reviewer, r.verdict, r.comment, r.created_at
       FROM review r JOIN annotator a ON a.id = r.reviewer_id
       WHERE r.revision_id IN (SELECT value FROM json_each(?)) ORDER BY r.id`,
    )
    .all(JSON.stringify(revisionIds)) as {
    id: number
    revision_id: number
    reviewer: string
    verdict: 'approve' | 'reject'
    comment: string
    created_at: string
  }[]
  return rows.map((r) => ({
    id: r.id,
    revisionId: r.revision_id,
    reviewer: r.reviewer,
    verdict: r.verdict,
    comment: r.comment,
    createdAt: r.created_at,
  }))
}

/** Back to the annotators: pseudo-labelled if a model has labelled it, else new. */
export function reopenStatus(db: WriteDb, utteranceId: number): 'new' | 'pseudo' {
  const row = db.prepare('SELECT hypothesis_id FROM utterance WHERE id = ?').get(utteranceId) as
    { hypothesis_id: number | null } | undefined
  return row?.hypothesis_id ? 'pseudo' : 'new'
}
