import type { reportContract } from '../../../shared/contract/report'
import type { CallContext, CallTable } from '../call-context'
import { projectReport } from './build'

/** The project quality report (docs/reports.md). */
export function reportCalls(ctx: CallContext): CallTable<keyof typeof reportContract> {
  return {
    'report.project': async ({ model }) =>
      projectReport(ctx.db, ctx.project, model === undefined ? {} : { model }),
  }
}
