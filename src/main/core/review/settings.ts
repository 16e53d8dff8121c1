import { z } from 'zod'
import type { ReviewSettings } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'

const KEY = 'review'

/** A project's review settings, kept in project_meta under "review" (JSON; docs/review.md). */
export const reviewSettingsSchema = z
  .object({
    doubleAnnotationShare: z.number().min(0).max(1).default(0),
    reviewShare: z.number().min(0).max(1).default(0.1),
    lowAgreementWer: z.number().min(0).max(10).default(0),
    seed: z.number().int().min(0).max(1_000_000).default(0),
  })
  .strict()

export function reviewSettings(db: WriteDb): ReviewSettings {
  const row = db.prepare('SELECT value FROM project_meta WHERE key = ?').get(KEY) as
    { value: string } | undefined
  const parsed = reviewSettingsSchema.safeParse(row ? JSON.parse(row.value) : {})
  return parsed.success ? parsed.data : reviewSettingsSchema.parse({})
}

export function updateReviewSettings(db: WriteDb, patch: Partial<ReviewSettings>): ReviewSettings {
  const next = reviewSettingsSchema.parse({ ...reviewSettings(db), ...patch })
  db.prepare(
    'INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(KEY, JSON.stringify(next))
  return next
}
