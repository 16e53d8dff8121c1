import type { ConsentState } from '../../../shared/domain'
import { consentScopes, type ConsentScope } from '../consent/speakers'
import type { Db } from '../db/connection'

/**
 * Speakers whose consent to `scope` holds at `now`: granted, not yet expired, not withdrawn.
 * A SQL fragment with one named parameter, `:now`. The scope comes from the fixed list of
 * scopes (checked here), never from input.
 */
export function consentedSpeakers(scope: ConsentScope): string {
  if (!consentScopes.includes(scope)) throw new Error(`unknown consent scope ${String(scope)}`)
  return `
  SELECT c.speaker_id FROM consent c
  WHERE c.scope = '${scope}' AND c.withdrawn_at IS NULL
    AND c.granted_at <= :now AND (c.expires_at IS NULL OR c.expires_at > :now)`
}

/** Speakers whose consent to annotation holds at `:now` (a SQL fragment). */
export const consentedToAnnotation = consentedSpeakers('annotation')

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
