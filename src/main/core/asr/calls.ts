import type { asrContract } from '../../../shared/contract/asr'
import { activeCheckpoint } from '../adapt/adaptation'
import { checkpointLanguageModelOptions } from '../adapt/features'
import type { CallContext, CallTable } from '../call-context'
import { ensureModelRow, labelProject } from './labeller'
import { findModel, listModels } from './model-store'

type Calls = keyof typeof asrContract

/**
 * Models: the registered ones and labelling the project with one (scoring a model or a
 * checkpoint is the adapt room's, evaluate-checkpoint.ts). A labelling run that stored
 * hypotheses says so (`utterances.labelled`); the queue's re-ranking follows it in
 * adapt/learning-loop.ts.
 */
export function asrCalls(ctx: CallContext, options: { vadModel: string }): CallTable<Calls> {
  const { db, paths, dataDir } = ctx
  return {
    'model.list': async () =>
      (await listModels(dataDir)).map((m) => ({
        id: m.id,
        name: m.manifest.name,
        languages: m.manifest.languages,
        vocabularySize: m.registration.report.vocabularySize,
        layout: m.registration.report.layout,
      })),
    'label.start': async ({ model: key, nBest, beamWidth, lm }) => {
      const model = await findModel(dataDir, key)
      // What a start after a crash needs to run it again (Workbench.resumeInterruptedLabelling).
      const input = { model: model.id, nBest, beamWidth, ...(lm ? { lm } : {}) }
      const jobId = ctx.jobs.start(
        'label',
        `Label with ${model.manifest.name}`,
        async (job) => {
          // New utterances get the adapted checkpoint's hypotheses once the project has one.
          const checkpoint = activeCheckpoint(db, ensureModelRow(db, model))
          const labelled = await labelProject(
            { db, paths, workers: ctx.inferenceWorkers, model, vadModel: options.vadModel },
            {
              checkpoint: checkpoint ? { id: checkpoint.id, path: checkpoint.path } : null,
              checkpointLm: checkpoint
                ? checkpointLanguageModelOptions(db, checkpoint.id, checkpoint.lm)
                : null,
              signal: job.signal,
              onProgress: job.progress,
              options: { nBest, beamWidth },
              ...(lm ? { lm } : {}),
              settings: ctx.sessionSettings,
            },
          )
          if (labelled.labelled > 0)
            await ctx.domain.publish('utterances.labelled', { count: labelled.labelled })
          return { labelled }
        },
        input,
      )
      return { jobId }
    },
  }
}
