import type { asrContract } from '../../../shared/contract/asr'
import { activeCheckpoint } from '../adapt/adaptation'
import { checkpointLanguageModelOptions } from '../adapt/features'
import type { CallContext, CallTable } from '../call-context'
import { fitCalibration, hasDevSplit } from './calibrate'
import { languagesNotWritten, projectLanguages } from './head-output'
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
    'model.list': async () => {
      const languages = projectLanguages(db)
      const adapted = db.prepare(
        "SELECT 1 FROM checkpoint c JOIN model m ON m.id = c.model_id WHERE m.sha256 = ? AND c.status = 'active'",
      )
      return (await listModels(dataDir)).map((m) => ({
        id: m.id,
        name: m.manifest.name,
        languages: m.manifest.languages,
        vocabularySize: m.registration.report.vocabularySize,
        layout: m.registration.report.layout,
        unit: m.manifest.unit,
        // The project's active checkpoint of the model labels instead, in the project's characters.
        notWritten: adapted.get(m.registration.sha256)
          ? []
          : languagesNotWritten(m.manifest, languages),
      }))
    },
    'label.start': async ({ model: key, nBest, beamWidth, lm }) => {
      const model = await findModel(dataDir, key)
      const jobId = ctx.jobs.start('label', `Label with ${model.manifest.name}`, async (job) => {
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
        // New dev hypotheses change what the head's confidence can be calibrated on.
        if (labelled.labelled > 0 && hasDevSplit(db))
          fitCalibration(db, {
            modelId: ensureModelRow(db, model),
            checkpointId: checkpoint?.id ?? null,
          })
        if (labelled.labelled > 0)
          await ctx.domain.publish('utterances.labelled', { count: labelled.labelled })
        return { labelled }
      })
      return { jobId }
    },
  }
}
