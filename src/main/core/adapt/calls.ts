import type { adaptContract } from '../../../shared/contract/adapt'
import type { CallContext, CallTable } from '../call-context'
import type { LearningLoop } from './learning-loop'
import { requireLead } from '../consent/roles'
import { updateAdaptationSettings } from './settings'
import { changeSplitPolicy, splitOverview } from './splits'
import { evaluateModel } from './evaluate-checkpoint'
import { adaptationStatus } from './status'

type Calls = keyof typeof adaptContract

/**
 * Adapting the model: training on demand, the learning curve, the queue's strategy, the dev and
 * test splits, and scoring the base model or any checkpoint on the transcripts.
 */
export function adaptCalls(ctx: CallContext, loop: LearningLoop): CallTable<Calls> {
  const { db } = ctx
  return {
    'train.start': async ({ model }) => ({ jobId: await loop.startTraining('manual', model) }),
    'adaptation.status': async () => adaptationStatus(db),
    'adaptation.update': async (patch) => {
      const before = adaptationStatus(db).strategy
      const next = updateAdaptationSettings(db, patch)
      if (next.strategy !== before) await loop.rerank()
      return adaptationStatus(db)
    },
    'evaluate.project': async ({ model, checkpoint, split }) =>
      evaluateModel(db, model, { checkpoint, split }, () => loop.adaptation(model)),
    'splits.show': async () => splitOverview(db),
    'splits.set': async ({ actorId, reassign, ...change }) => {
      const lead = requireLead(db, actorId, 'change the dev and test splits')
      return changeSplitPolicy(db, change, lead.name, reassign)
    },
  }
}
