/** The review room's calls: settings, the reviewer's queue, decisions, agreement and adjudication (docs/review.md). */
import { z } from 'zod'
import type {
  AdjudicationResult,
  AdjudicationView,
  AgreementReport,
  ReviewQueuePage,
  ReviewSettings,
  ReviewVerdict,
  RevisionInfo,
  Utterance,
  UtteranceReviewHistory,
} from '../domain'
import { reviewReasons, reviewVerdicts } from '../domain'
import { call, comment, id, pageInput, spans, transcript } from './fields'

const column = z.number().int().min(0).max(100_000)

export const reviewContract = {
  'review.settings': call<ReviewSettings>()(
    z.object({}).strict(),
    'Shares sent to double annotation and to review, and the agreement below which adjudication is needed.',
  ),
  'review.updateSettings': call<ReviewSettings>()(
    z
      .object({
        doubleAnnotationShare: z.number().min(0).max(1).optional(),
        reviewShare: z.number().min(0).max(1).optional(),
        lowAgreementWer: z.number().min(0).max(10).optional(),
        seed: z.number().int().min(0).max(1_000_000).optional(),
      })
      .strict(),
    'Change the review settings.',
  ),
  'review.queue': call<ReviewQueuePage>()(
    z
      .object({
        reasons: z
          .array(z.enum(reviewReasons))
          .min(1)
          .max(reviewReasons.length)
          .default(() => [...reviewReasons]),
        ...pageInput,
      })
      .strict(),
    'Utterances that need a reviewer: flagged, double annotations that disagree, and a deterministic sample of accepted work.',
  ),
  'review.history': call<UtteranceReviewHistory>()(
    z.object({ id }).strict(),
    'An utterance for the reviewer: every revision with its author, scripts, reviews and parents, and the hash chain checked.',
  ),
  'review.decide': call<{ review: ReviewVerdict; status: Utterance['status'] }>()(
    z
      .object({
        revisionId: id,
        actorId: id,
        verdict: z.enum(reviewVerdicts),
        comment,
      })
      .strict(),
    'Approve (the utterance becomes reviewed) or reject (back to the annotators) its newest revision, with a comment.',
  ),
  'review.edit': call<{
    revision: RevisionInfo
    review: ReviewVerdict | null
    status: Utterance['status']
  }>()(
    z
      .object({
        id,
        actorId: id,
        baseRevisionId: id.nullable(),
        text: transcript,
        spans: spans.default([]),
        comment,
        approve: z.boolean().default(true),
      })
      .strict(),
    "A reviewer's correction: a new revision with the reviewer as its source, approved unless told otherwise.",
  ),
  'agreement.summary': call<AgreementReport>()(
    z.object({}).strict(),
    'Transcript-level agreement of double annotations: WER and CER per annotator pair and language, and against adjudicated results.',
  ),
  'adjudication.get': call<AdjudicationView>()(
    z.object({ id }).strict(),
    "Both annotators' versions of a double-annotated utterance and the model's best hypothesis, as an aligned word diff.",
  ),
  'adjudication.resolve': call<AdjudicationResult>()(
    z
      .object({
        id,
        actorId: id,
        aRevisionId: id,
        bRevisionId: id,
        /** Per column: a version's word, or the reviewer's own words; agreeing columns may be left out. */
        choices: z
          .array(
            z.union([
              z.object({ column, take: z.enum(['a', 'b', 'model', 'none']) }).strict(),
              z.object({ column, text: transcript }).strict(),
            ]),
          )
          .max(100_000)
          .default([]),
        comment,
      })
      .strict(),
    'Store the merge of the two versions as the approved revision, with both versions as its parents.',
  ),
} as const
