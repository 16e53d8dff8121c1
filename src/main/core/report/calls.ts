import type { CallContext, CallTable } from '../call-context'
import { projectReport } from './build'

/** The project quality report (docs/reports.md). */
export function reportCalls(ctx: CallContext): CallTable<'report.project'> {
  return {
    'report.project': async ({ model }) =>
      projectReport(ctx.db, ctx.project, model === undefined ? {} : { model }),
  }
}
