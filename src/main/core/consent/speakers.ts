import { consentScopes, type ConsentScope, type SpeakerGender } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'

export { consentScopes, type ConsentScope }
export type Gender = SpeakerGender

export interface SpeakerInput {
  code: string
  ageBand?: string | null
  gender?: Gender | null
  dialect?: string | null
  firstLanguage?: string | null
  otherLanguages?: string[]
  notes?: string
}

/**
 * Finds a speaker by pseudonymous code, creating it with the given metadata if new. A code that
 * was merged into another speaker resolves to that speaker, so a manifest written before the
 * merge does not bring the duplicate back.
 */
export function ensureSpeaker(
  db: WriteDb,
  input: SpeakerInput,
  now = new Date().toISOString(),
): number {
  const existing = db
    .prepare('SELECT id, merged_into FROM speaker WHERE code = ?')
    .get(input.code) as { id: number; merged_into: number | null } | undefined
  if (existing) return resolveMerged(db, existing.id)
  const info = db
    .prepare(
      `INSERT INTO speaker (code, age_band, gender, dialect, first_language, other_languages, notes, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      input.code,
      input.ageBand ?? null,
      input.gender ?? null,
      input.dialect ?? null,
      input.firstLanguage ?? null,
      JSON.stringify(input.otherLanguages ?? []),
      input.notes ?? '',
      now,
    )
  return Number(info.lastInsertRowid)
}

export interface ConsentInput {
  speakerId: number
  scope: ConsentScope
  grantedAt: string
  expiresAt?: string | null
  evidenceNote?: string
  evidenceSha256?: string | null
  recordedBy?: number | null
}

export function recordConsent(
  db: WriteDb,
  input: ConsentInput,
  now = new Date().toISOString(),
): number {
  const info = db
    .prepare(
      `INSERT INTO consent (speaker_id, scope, granted_at, expires_at, evidence_sha256, evidence_note, recorded_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      input.speakerId,
      input.scope,
      input.grantedAt,
      input.expiresAt ?? null,
      input.evidenceSha256 ?? null,
      input.evidenceNote ?? '',
      input.recordedBy ?? null,
      now,
    )
  return Number(info.lastInsertRowid)
}

/** The speaker a (possibly merged) speaker now lives on: follows merged_into to its end. */
export function resolveMerged(db: WriteDb, speakerId: number): number {
  const next = db.prepare('SELECT merged_into FROM speaker WHERE id = ?')
  let id = speakerId
  // Merges never form cycles (mergeSpeakers refuses them); the bound is a guard against bad data.
  for (let hops = 0; hops < 100; hops++) {
    const row = next.get(id) as { merged_into: number | null } | undefined
    if (!row || row.merged_into === null) return id
    id = row.merged_into
  }
  return id
}
