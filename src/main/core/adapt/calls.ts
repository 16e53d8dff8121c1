import type { adaptContract } from '../../../shared/contract/adapt'
import type { CallContext, CallTable } from '../call-context'
import type { LearningLoop } from './learning-loop'
import { updateAdaptationSettings } from './settings'
import { adaptationStatus } from './status'

type Calls = keyof typeof adaptContract

/** Adapting the model: training on demand, the learning curve, the queue's strategy. */
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
  }
}
