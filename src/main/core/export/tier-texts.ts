import type { ProjectTier, TierInterval } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'
import { listTiers } from '../tiers/tiers'

/** The project's tiers and, per exported utterance, each tier's current intervals. */
export interface ExportTiers {
  tiers: ProjectTier[]
  /** utterance id → tier id → the newest version's intervals. */
  texts: Map<number, Map<number, TierInterval[]>>
}

/**
 * What the ELAN and Praat exports write of the project's own tiers: the newest text of each tier
 * on each of `utteranceIds` (the utterances the consent and filters let through; no other's text
 * is read), with who wrote it left in the project, where its provenance is.
 */
export function exportTierTexts(db: WriteDb, utteranceIds: readonly number[]): ExportTiers {
  const tiers = listTiers(db)
  const texts = new Map<number, Map<number, TierInterval[]>>()
  if (tiers.length === 0) return { tiers, texts }
  const rows = db
    .prepare(
      `SELECT t.tier_id, t.utterance_id, t.intervals FROM tier_text t
       WHERE t.id IN (SELECT max(id) FROM tier_text
                      WHERE utterance_id IN (SELECT value FROM json_each(?))
                      GROUP BY tier_id, utterance_id)`,
    )
    .all(JSON.stringify(utteranceIds)) as {
    tier_id: number
    utterance_id: number
    intervals: string
  }[]
  for (const r of rows) {
    const byTier = texts.get(r.utterance_id) ?? new Map<number, TierInterval[]>()
    byTier.set(r.tier_id, JSON.parse(r.intervals) as TierInterval[])
    texts.set(r.utterance_id, byTier)
  }
  return { tiers, texts }
}
