import type { corpusImportContract } from '../../../shared/contract/corpus-import'
import type { CallContext, CallTable } from '../call-context'
import { machineImport } from '../provenance/import-revision'
import { importAnnotations } from './import-annotations'
import { said } from '../../../shared/messages'

/** Importing existing annotation (ELAN, Praat, Common Voice, CSV, Kaldi) with its audio. */
export function corpusImportCalls(ctx: CallContext): CallTable<keyof typeof corpusImportContract> {
  const { db, paths } = ctx
  return {
    'annotation.import': async ({ paths: inputs, tiers, machineOutput, actorId }, caller) => {
      const machine = machineImport(db, machineOutput, actorId)
      const title =
        inputs.length === 1
          ? said('annotationJob', { path: inputs[0]! })
          : said('annotationJobs', { n: inputs.length })
      const jobId = ctx.jobs.start(
        'annotation-import',
        title,
        async (job) => {
          const annotations = await importAnnotations(
            { db, paths, workers: ctx.audioWorkers, machine },
            inputs,
            tiers ? { tiers } : {},
            { signal: job.signal, onProgress: job.progress },
          )
          if (annotations.imported.length) ctx.projectChanged(['recordings', 'utterances'])
          return { annotations }
        },
        {
          startedBy: caller,
          input: {
            paths: inputs,
            ...(tiers ? { tiers } : {}),
            ...(machineOutput ? { machineOutput } : {}),
          },
        },
      )
      return { jobId }
    },
  }
}
