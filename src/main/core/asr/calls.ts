import type { asrContract } from '../../../shared/contract/asr'
import type { CallContext, CallTable } from '../call-context'
import { fitCalibration, hasDevSplit } from './calibrate'
import { languagesNotWritten, projectLanguages } from './head-output'
import type { JobOutcome } from '../jobs'
import { ensureModelRow, labelProject, labellingHead } from './labeller'
import { join } from 'node:path'
import { pullRepository } from './hub'
import { findModel, importModel, listModels, modelSummary, type ImportOptions } from './model-store'
import type { SpanDecoder } from './span-decoder'
import type { WordAligner } from './word-alignment'
import { said } from '../../../shared/messages'

type Calls = keyof typeof asrContract

/**
 * Models: the registered ones and labelling the project with one (scoring a model or a
 * checkpoint is the adapt room's, evaluate-checkpoint.ts). A labelling run that stored
 * hypotheses says so (`utterances.labelled`); the queue's re-ranking follows it in
 * adapt/learning-loop.ts.
 */
export function asrCalls(
  ctx: CallContext,
  options: { vadModel: string; aligner: WordAligner; spanDecoder: SpanDecoder },
): CallTable<Calls> {
  const { db, paths, dataDir } = ctx
  const register = async (dir: string, options: ImportOptions): Promise<JobOutcome> => {
    const { model, alreadyRegistered } = await importModel(
      dataDir,
      dir,
      ctx.inferenceWorkers,
      options,
    )
    return {
      registered: {
        model: modelSummary(model, languagesNotWritten(model.manifest, projectLanguages(db))),
        alreadyRegistered,
        warnings: model.registration.report.warnings,
      },
    }
  }
  return {
    'utterance.align': async ({ id, actorId }) => ({
      wordTier: await options.aligner.alignHead(id, actorId ?? null),
    }),
    'utterance.decode': async ({ id, actorId }) => options.spanDecoder.decode(id, actorId ?? null),
    'model.list': async () => {
      const languages = projectLanguages(db)
      const adapted = db.prepare(
        "SELECT 1 FROM checkpoint c JOIN model m ON m.id = c.model_id WHERE m.sha256 = ? AND c.status = 'active'",
      )
      // The project's active checkpoint of a model labels instead, in the project's characters.
      return (await listModels(dataDir)).map((m) =>
        modelSummary(
          m,
          adapted.get(m.registration.sha256) ? [] : languagesNotWritten(m.manifest, languages),
        ),
      )
    },
    'model.import': async ({ dir, file, language }, caller) => ({
      jobId: ctx.jobs.start(
        'model',
        said('modelImportJob', { dir }),
        async (job) => {
          job.progress(0, 1, said('checkingModel'))
          return register(dir, { file, language })
        },
        { startedBy: caller },
      ),
    }),
    'model.pull': async ({ repo, revision, file, language, hubUrl, token }, caller) => ({
      jobId: ctx.jobs.start(
        'model',
        said('modelPullJob', { repo }),
        async (job) => {
          const pulled = await pullRepository(
            join(dataDir, 'hub'),
            { repo, revision, file, hubUrl, token },
            {
              signal: job.signal,
              onProgress: (done, total, label) => job.progress(done, total + 1, label),
            },
          )
          job.progress(pulled.files.length, pulled.files.length + 1, said('checkingModel'))
          return register(pulled.dir, { file: pulled.file, language, origin: pulled.origin })
        },
        { startedBy: caller },
      ),
    }),
    'label.start': async ({ model: key, nBest, beamWidth, lm }, caller) => {
      const model = await findModel(dataDir, key)
      // What a start after a crash needs to run it again (Workbench.resumeInterruptedLabelling).
      const input = { model: model.id, nBest, beamWidth, ...(lm ? { lm } : {}) }
      const jobId = ctx.jobs.start(
        'label',
        said('labelJob', { model: model.manifest.name }),
        async (job) => {
          // New utterances get the adapted checkpoint's hypotheses once the project has one.
          const head = labellingHead(db, model)
          const labelled = await labelProject(
            { db, paths, workers: ctx.inferenceWorkers, model, vadModel: options.vadModel },
            {
              ...head,
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
              checkpointId: head.checkpoint?.id ?? null,
            })
          if (labelled.labelled > 0)
            await ctx.domain.publish('utterances.labelled', { count: labelled.labelled })
          return { labelled }
        },
        { startedBy: caller, input },
      )
      return { jobId }
    },
  }
}
