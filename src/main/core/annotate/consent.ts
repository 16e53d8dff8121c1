import type { ConsentState } from '../../../shared/domain'
import type { Db } from '../db/connection'

/**
 * Speakers whose consent to annotation holds at `now`: granted, not yet expired, not withdrawn.
 * A SQL fragment with one bound parameter (`now`, used three times as :now).
 */
export const consentedToAnnotation = `
  SELECT c.speaker_id FROM consent c
  WHERE c.scope = 'annotation' AND c.withdrawn_at IS NULL
    AND c.granted_at <= :now AND (c.expires_at IS NULL OR c.expires_at > :now)`

/** What the consent records of one speaker say about annotation at `now`. */
export function annotationConsent(db: Db, speakerId: number, now: string): ConsentState {
  const rows = db
    .prepare(
      `SELECT granted_at, expires_at, withdrawn_at FROM consent
       WHERE speaker_id = ? AND scope = 'annotation' ORDER BY granted_at`,
    )
    .all(speakerId) as {
    granted_at: string
    expires_at: string | null
    withdrawn_at: string | null
  }[]
  if (rows.length === 0) return 'none'
  const valid = rows.some(
    (r) =>
      r.withdrawn_at === null &&
      r.granted_at <= now &&
      (r.expires_at === null || r.expires_at > now),
  )
  if (valid) return 'granted'
  return rows.some((r) => r.withdrawn_at !== null) ? 'withdrawn' : 'expired'
}
