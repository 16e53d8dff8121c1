import type { adaptContract } from '../../../shared/contract/adapt'
import type { CallContext, CallTable } from '../call-context'
import type { LearningLoop } from './learning-loop'
import { requireLead } from '../consent/roles'
import { updateAdaptationSettings } from './settings'
import { changeSplitPolicy, splitOverview } from './splits'
import { evaluateModel } from './evaluate-checkpoint'
import { SautiError } from '../../../shared/errors'
import type { ComparedHead } from '../../../shared/domain'
import { ensureModelRow } from '../asr/labeller'
import { activateCheckpoint } from './rollback'
import { runningTraining } from './train-runs'
import { adaptationStatus } from './status'
import { comparedPair, compareCheckpoints } from './compare-checkpoints'
import { checkScoring, scoreForComparison } from './compare-scoring'
import { existsSync } from 'node:fs'
import { said, type Said } from '../../../shared/messages'

type Calls = keyof typeof adaptContract

/**
 * Adapting the model: training on demand, the learning curve, the queue's strategy, the dev and
 * test splits, and scoring the base model or any checkpoint on the transcripts.
 */
export function adaptCalls(ctx: CallContext, loop: LearningLoop): CallTable<Calls> {
  const { db } = ctx
  return {
    'train.start': async ({ model }, caller) => ({
      jobId: await loop.startTraining({ trigger: 'manual', startedBy: caller }, model),
    }),
    'adaptation.status': async () => adaptationStatus(db),
    'adaptation.update': async (patch) => {
      const before = adaptationStatus(db).strategy
      const next = updateAdaptationSettings(db, patch)
      if (next.strategy !== before) await loop.rerank()
      return adaptationStatus(db)
    },
    'evaluate.project': async ({ model, checkpoint, split }) =>
      evaluateModel(db, model, { checkpoint, split }, () => loop.adaptation(model)),
    'checkpoint.activate': async ({ actorId, checkpoint, model, reason }) => {
      const lead = requireLead(db, actorId, 'changeCheckpoint')
      // A training activates its own checkpoint when it ends, which would undo this at once.
      if (ctx.jobs.running('train') || runningTraining(db))
        throw SautiError.saying('conflict', 'trainingRunning', {})
      const modelId =
        checkpoint === 'base'
          ? ensureModelRow(db, await loop.modelToAdapt(model))
          : ((
              db.prepare('SELECT model_id FROM checkpoint WHERE id = ?').get(checkpoint) as
                { model_id: number } | undefined
            )?.model_id ?? -1)
      activateCheckpoint(db, {
        modelId,
        checkpointId: checkpoint === 'base' ? null : checkpoint,
        actor: lead,
        reason,
      })
      // The queue ranks again with what the head in use decoded, and the windows reload.
      await loop.rerank()
      return adaptationStatus(db)
    },
    'checkpoint.compare': async (input) => compareCheckpoints(db, input),
    'checkpoint.score': async ({ a, b, split }, caller) => {
      const pair = comparedPair(db, a, b)
      checkScoring(pair, existsSync)
      // One at a time: two would decode the same utterances with the same head.
      if (ctx.jobs.running('evaluate')) throw SautiError.saying('conflict', 'scoringRunning', {})
      const adaptation = await loop.adaptation(pair.model.sha256.slice(0, 12))
      const name = (h: ComparedHead): Said =>
        h === 'base' ? said('baseModelName') : said('checkpointName', { id: h })
      return {
        jobId: ctx.jobs.start(
          'evaluate',
          said('scoreJob', { a: name(a), b: name(b), split }),
          async (job) => ({ scored: await scoreForComparison(adaptation, { a, b, split }, job) }),
          { startedBy: caller, input: { a, b, split } },
        ),
      }
    },
    'splits.show': async () => splitOverview(db),
    'splits.set': async ({ actorId, reassign, ...change }) => {
      const lead = requireLead(db, actorId, 'changeSplits')
      return changeSplitPolicy(db, change, lead.name, reassign)
    },
  }
}
