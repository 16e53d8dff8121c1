/** The report room's call: the project quality report (docs/reports.md). */
import { z } from 'zod'
import type { ProjectReport } from '../domain'
import { call, modelRef } from './fields'

export const reportContract = {
  'report.project': call<{ report: ProjectReport; html: string }>()(
    z.object({ model: modelRef.optional() }).strict(),
    'The project quality report: metrics, agreement, throughput, reviews and charts, as data and as self-contained HTML.',
  ),
} as const
