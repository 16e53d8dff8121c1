import type { Db } from '../db/connection'

export const consentScopes = [
  'annotation',
  'model_training',
  'research_release',
  'public_release',
  'commercial',
] as const
export type ConsentScope = (typeof consentScopes)[number]
export type Gender = 'female' | 'male' | 'nonbinary' | 'unspecified'

export interface SpeakerInput {
  code: string
  ageBand?: string | null
  gender?: Gender | null
  dialect?: string | null
  firstLanguage?: string | null
  otherLanguages?: string[]
  notes?: string
}

/** Finds a speaker by pseudonymous code, creating it with the given metadata if new. */
export function ensureSpeaker(db: Db, input: SpeakerInput, now = new Date().toISOString()): number {
  const existing = db.prepare('SELECT id FROM speaker WHERE code = ?').get(input.code) as
    { id: number } | undefined
  if (existing) return existing.id
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

export function recordConsent(db: Db, input: ConsentInput, now = new Date().toISOString()): number {
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
