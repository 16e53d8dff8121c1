import type { reviewContract } from '../../../shared/contract/review'
import type { CallContext, CallTable } from '../call-context'
import { adjudicationView, resolveAdjudication } from './adjudicate'
import { agreementReport } from './agreement'
import { decideRevision, reviewHistory, reviewerEdit } from './decide'
import { reviewQueue } from './queue'
import { reviewSettings, updateReviewSettings } from './settings'

type Calls = keyof typeof reviewContract

/** The reviewer's calls (docs/review.md): the queue, verdicts, edits, agreement, adjudication. */
export function reviewCalls(ctx: CallContext): CallTable<Calls> {
  const { db, changed } = ctx
  return {
    'review.settings': async () => reviewSettings(db),
    'review.updateSettings': async (patch) => updateReviewSettings(db, patch),
    'review.queue': async (query) => reviewQueue(db, query),
    'review.history': async ({ id }) => reviewHistory(db, id),
    'review.decide': async (input) => {
      const { utteranceId, ...decided } = decideRevision(db, input)
      changed([utteranceId])
      return decided
    },
    'review.edit': async (input) => {
      const edited = reviewerEdit(db, input)
      changed([input.id])
      return edited
    },
    'agreement.summary': async () => agreementReport(db),
    'adjudication.get': async ({ id }) => adjudicationView(db, id),
    'adjudication.resolve': async ({ id, ...input }) => {
      const result = resolveAdjudication(db, { utteranceId: id, ...input })
      changed([id])
      return result
    },
  }
}
