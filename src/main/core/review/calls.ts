import type { CallResult, ParsedInput } from '../../../shared/contract'
import type { ProjectRef } from '../../../shared/domain'
import { evaluateProject } from '../asr/evaluate-project'
import type { Db } from '../db/connection'
import { languageTokens } from '../language/tokens'
import { projectRules, updateProjectRules } from '../language/rules'
import { projectReport } from '../report/build'
import { adjudicationView, resolveAdjudication } from './adjudicate'
import { agreementReport } from './agreement'
import { decideRevision, reviewHistory, reviewerEdit } from './decide'
import { reviewQueue } from './queue'
import { reviewSettings, updateReviewSettings } from './settings'

type Calls =
  | 'language.tokens'
  | 'normalization.get'
  | 'normalization.update'
  | 'evaluate.project'
  | 'review.settings'
  | 'review.updateSettings'
  | 'review.queue'
  | 'review.history'
  | 'review.decide'
  | 'review.edit'
  | 'agreement.summary'
  | 'adjudication.get'
  | 'adjudication.resolve'
  | 'report.project'

/**
 * The linguist's calls (docs/review.md, docs/reports.md), kept beside their services so the
 * workbench only spreads them into its table. `changed` tells every window which utterances a
 * reviewer touched.
 */
export function reviewCalls(ctx: {
  db: Db
  project: ProjectRef
  changed: (ids: number[]) => void
}): {
  [M in Calls]: (input: ParsedInput<M>) => Promise<CallResult<M>>
} {
  const { db, changed } = ctx
  return {
    'language.tokens': async (input) =>
      languageTokens(
        db,
        'utteranceId' in input
          ? { utteranceId: input.utteranceId, viewerId: input.annotatorId ?? null }
          : { text: input.text, spans: input.spans },
      ),
    'normalization.get': async () => projectRules(db),
    'normalization.update': async (patch) => updateProjectRules(db, patch),
    'evaluate.project': async ({ model }) => evaluateProject(db, model),
    'review.settings': async () => reviewSettings(db),
    'review.updateSettings': async (patch) => updateReviewSettings(db, patch),
    'review.queue': async (query) => reviewQueue(db, query),
    'review.history': async ({ id }) => reviewHistory(db, id),
    'review.decide': async (input) => {
      const decided = decideRevision(db, input)
      const row = db
        .prepare('SELECT utterance_id FROM revision WHERE id = ?')
        .get(input.revisionId) as {
        utterance_id: number
      }
      changed([row.utterance_id])
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
    'report.project': async ({ model }) =>
      projectReport(db, ctx.project, model === undefined ? {} : { model }),
  }
}
