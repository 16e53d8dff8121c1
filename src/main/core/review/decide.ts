import type {
  AnnotatorRole,
  LanguageSpan,
  ReviewRevision,
  ReviewVerdict,
  RevisionInfo,
  UtteranceReviewHistory,
  UtteranceStatus,
} from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { utteranceDetail } from '../annotate/editor'
import type { WriteDb } from '../db/connection'
import { returnToAnnotator } from '../discuss/returns'
import { storedTranscript } from '../language/rules'
import { wordScripts } from '../language/tokens'
import { decision } from '../provenance/human-text'
import { revisionInfo, revisionsOf, verifyChain } from '../provenance/revisions'
import { openDouble } from './blind'
import {
  appendReviewerRevision,
  insertReview,
  reopenStatus,
  requireReviewer,
  reviewVerdicts,
} from './common'

interface UtteranceRow {
  id: number
  status: UtteranceStatus
  flag_reason: UtteranceReviewHistory['flagReason']
  language: string | null
  merged_into: number | null
  code: string | null
  dialect: string | null
  gender: string | null
  age_band: string | null
  first_language: string | null
}

function utteranceRow(db: WriteDb, id: number): UtteranceRow {
  const row = db
    .prepare(
      `SELECT u.id, u.status, u.flag_reason, u.language, u.merged_into, s.code, s.dialect, s.gender,
              s.age_band, s.first_language
       FROM utterance u LEFT JOIN speaker s ON s.id = u.speaker_id WHERE u.id = ?`,
    )
    .get(id) as UtteranceRow | undefined
  if (!row) throw SautiError.saying('not_found', 'noUtterance', { id })
  return row
}

/** Everything a reviewer sees of an utterance: every revision, who made it, its reviews, the chain. */
export function reviewHistory(
  db: WriteDb,
  id: number,
  now = new Date().toISOString(),
): UtteranceReviewHistory {
  // The annotator's read checks consent and that the utterance was not merged away.
  const { noisy } = utteranceDetail(db, id, now).utterance
  const row = utteranceRow(db, id)
  const people = new Map(
    (
      db.prepare('SELECT id, name, role FROM annotator').all() as {
        id: number
        name: string
        role: AnnotatorRole
      }[]
    ).map((a) => [a.id, a]),
  )
  const stored = revisionsOf(db, id)
  const reviews = reviewVerdicts(
    db,
    stored.map((r) => r.id),
  )
  const revisions = stored.map((r): ReviewRevision => {
    const who = r.annotatorId === null ? undefined : people.get(r.annotatorId)
    return {
      ...revisionInfo(r, who?.name ?? null),
      annotatorRole: who?.role ?? null,
      parentId: r.parentId,
      mergeParentId: r.mergeParentId,
      tokens: wordScripts(r.text),
      reviews: reviews.filter((v) => v.revisionId === r.id),
    }
  })
  const chain = verifyChain(db, id)
  const double = db
    .prepare(
      `SELECT first_annotator_id, second_annotator_id, agreement_wer, adjudicated_revision_id
       FROM double_annotation WHERE utterance_id = ?`,
    )
    .get(id) as
    | {
        first_annotator_id: number
        second_annotator_id: number | null
        agreement_wer: number | null
        adjudicated_revision_id: number | null
      }
    | undefined
  return {
    utteranceId: id,
    status: row.status,
    flagReason: row.flag_reason,
    noisy,
    language: row.language,
    speaker: row.code
      ? {
          code: row.code,
          dialect: row.dialect,
          gender: row.gender,
          ageBand: row.age_band,
          firstLanguage: row.first_language,
        }
      : null,
    revisions,
    chain: chain.ok ? { ok: true, brokenAt: null } : { ok: false, brokenAt: chain.revisionId },
    doubleAnnotation: double
      ? {
          annotators: [double.first_annotator_id, double.second_annotator_id]
            .filter((a): a is number => a !== null)
            .map((a) => people.get(a)?.name ?? String(a)),
          agreementWer: double.agreement_wer,
          adjudicatedRevisionId: double.adjudicated_revision_id,
        }
      : null,
  }
}

/** An utterance still in blind double annotation is settled by adjudication, not by verdict. */
function refuseOpenDouble(db: WriteDb, utteranceId: number): void {
  if (openDouble(db, utteranceId))
    throw SautiError.saying('conflict', 'inDoubleAnnotation', { id: utteranceId })
}

/**
 * Approves or rejects the utterance's newest finished revision. Approval makes the utterance
 * 'reviewed'; rejection sends it back ('pseudo', or 'new' if no model has labelled it) to the
 * annotator who wrote the revision, first in their queue, with the comment in its thread
 * (discuss/returns.ts). Also says which utterance the revision is of.
 */
export function decideRevision(
  db: WriteDb,
  input: { revisionId: number; actorId: number; verdict: 'approve' | 'reject'; comment: string },
  now = new Date().toISOString(),
): { review: ReviewVerdict; status: UtteranceStatus; utteranceId: number } {
  return db
    .transaction(() => {
      requireReviewer(db, input.actorId)
      const revision = db
        .prepare('SELECT id, utterance_id, draft FROM revision WHERE id = ?')
        .get(input.revisionId) as { id: number; utterance_id: number; draft: number } | undefined
      if (!revision) throw SautiError.saying('not_found', 'noRevision', { id: input.revisionId })
      // Flagging stores the annotator's text as a draft (it is not a transcript decision), so for
      // a flagged utterance the newest revision, draft or not, is the decision under review.
      const flagged =
        (
          db.prepare('SELECT status FROM utterance WHERE id = ?').get(revision.utterance_id) as
            { status: UtteranceStatus } | undefined
        )?.status === 'flagged'
      if (revision.draft === 1 && !flagged)
        throw SautiError.saying('validation', 'draftRevision', { id: revision.id })
      utteranceDetail(db, revision.utterance_id, now)
      refuseOpenDouble(db, revision.utterance_id)
      const newest = db
        .prepare(
          `SELECT max(v.id) AS id FROM revision v WHERE v.utterance_id = ?${flagged ? '' : ` AND ${decision('v')}`}`,
        )
        .get(revision.utterance_id) as { id: number }
      if (newest.id !== revision.id)
        throw SautiError.saying('conflict', 'notNewest', {
          revision: revision.id,
          id: revision.utterance_id,
          newest: newest.id,
        })
      const review = insertReview(db, input, now)
      const status: UtteranceStatus =
        input.verdict === 'approve' ? 'reviewed' : reopenStatus(db, revision.utterance_id)
      db.prepare('UPDATE utterance SET status = ?, flag_reason = NULL WHERE id = ?').run(
        status,
        revision.utterance_id,
      )
      if (input.verdict === 'reject')
        returnToAnnotator(
          db,
          {
            utteranceId: revision.utterance_id,
            revisionId: revision.id,
            reviewId: review.id,
            reviewerId: input.actorId,
          },
          input.comment,
          now,
        )
      return { review, status, utteranceId: revision.utterance_id }
    })
    .immediate()
}

/**
 * A reviewer's correction: a new revision with the reviewer as its source, on top of the
 * revision the reviewer saw (else "conflict"), approved at once unless `approve` is false.
 */
export function reviewerEdit(
  db: WriteDb,
  input: {
    id: number
    actorId: number
    baseRevisionId: number | null
    text: string
    spans: LanguageSpan[]
    comment: string
    approve: boolean
  },
  now = new Date().toISOString(),
): { revision: RevisionInfo; review: ReviewVerdict | null; status: UtteranceStatus } {
  return db
    .transaction(() => {
      const reviewer = requireReviewer(db, input.actorId)
      utteranceDetail(db, input.id, now)
      refuseOpenDouble(db, input.id)
      const head = db
        .prepare('SELECT max(id) AS id FROM revision WHERE utterance_id = ?')
        .get(input.id) as { id: number | null }
      if (head.id !== input.baseRevisionId)
        throw SautiError.saying('conflict', 'changedSinceReview', { id: input.id })
      const text = storedTranscript(db, input.text, input.spans)
      const { revision, review, status } = appendReviewerRevision(
        db,
        reviewer,
        {
          utteranceId: input.id,
          text,
          spans: input.spans,
          comment: input.comment,
          approve: input.approve,
        },
        now,
      )
      return { revision, review, status }
    })
    .immediate()
}
