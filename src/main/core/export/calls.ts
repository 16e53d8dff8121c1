import type { exportContract } from '../../../shared/contract/export'
import type { CallContext, CallTable } from '../call-context'
import { requireLead } from '../consent/roles'
import { ExportDir } from './export-dir'
import { previewExport } from './plan'
import { runExport } from './run-export'
import { said } from '../../../shared/messages'

/** Exporting a consented dataset (docs/export.md). */
export function exportCalls(ctx: CallContext): CallTable<keyof typeof exportContract> {
  const { db, paths } = ctx
  return {
    'export.preview': async (request) => previewExport(db, request),
    'export.start': async (request, caller) => {
      // Refused before the job starts, so the caller hears it at once.
      requireLead(db, request.actorId, 'exportData')
      await ExportDir.check(request.dir, paths.root)
      const jobId = ctx.jobs.start(
        'export',
        said('exportJob', { use: request.use, dir: request.dir }),
        async (job) => {
          const exported = await runExport(
            { db, paths, projectId: ctx.project.id, workers: ctx.audioWorkers },
            request,
            { signal: job.signal, onProgress: job.progress },
          )
          return exported ? { exported } : {}
        },
        { startedBy: caller, input: request },
      )
      return { jobId }
    },
  }
}
