import type { ConsentRecord, ConsentScope, WithdrawalSummary } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import type { ProjectPaths } from '../project/paths'
import { storeEvidence } from './evidence'
import { recordState } from './policy'
import { getSpeaker } from './registry'
import { requireLead } from './roles'
import { recordConsent } from './speakers'
import { withdrawConsent } from './withdraw'

interface RecordRow {
  id: number
  speaker_id: number
  code: string
  scope: ConsentScope
  granted_at: string
  expires_at: string | null
  withdrawn_at: string | null
  evidence_sha256: string | null
  original_name: string | null
  byte_size: number | null
  evidence_note: string
  recorded_by: string | null
  withdrawn_by: string | null
  created_at: string
}

/** Consent records, newest first; of one speaker when given. */
export function listConsent(
  db: WriteDb,
  speakerId: number | null,
  now = new Date().toISOString(),
): ConsentRecord[] {
  const rows = db
    .prepare(
      `SELECT c.id, c.speaker_id, s.code, c.scope, c.granted_at, c.expires_at, c.withdrawn_at,
              c.evidence_sha256, e.original_name, e.byte_size, c.evidence_note,
              a.name AS recorded_by, w.name AS withdrawn_by, c.created_at
       FROM consent c JOIN speaker s ON s.id = c.speaker_id
       LEFT JOIN consent_evidence e ON e.sha256 = c.evidence_sha256
       LEFT JOIN annotator a ON a.id = c.recorded_by
       LEFT JOIN annotator w ON w.id = c.withdrawn_by
       WHERE ? IS NULL OR c.speaker_id = ?
       ORDER BY c.created_at DESC, c.id DESC`,
    )
    .all(speakerId, speakerId) as RecordRow[]
  return rows.map((r) => ({
    id: r.id,
    speakerId: r.speaker_id,
    speakerCode: r.code,
    scope: r.scope,
    state: recordState(r, now),
    grantedAt: r.granted_at,
    expiresAt: r.expires_at,
    withdrawnAt: r.withdrawn_at,
    evidence:
      r.evidence_sha256 === null
        ? null
        : {
            sha256: r.evidence_sha256,
            originalName: r.original_name ?? '',
            byteSize: r.byte_size ?? 0,
          },
    evidenceNote: r.evidence_note,
    recordedBy: r.recorded_by,
    withdrawnBy: r.withdrawn_by,
    createdAt: r.created_at,
  }))
}

export interface GrantInput {
  actorId: number
  speakerId: number
  scopes: ConsentScope[]
  grantedAt: string
  expiresAt: string | null
  evidencePath: string | null
  evidenceNote: string
}

/**
 * Records a speaker's consent to some scopes: one record per scope, sharing the evidence file,
 * which is copied into the project first (so a record never names evidence the project lacks).
 */
export async function grantConsent(
  db: WriteDb,
  paths: ProjectPaths,
  input: GrantInput,
  now = new Date().toISOString(),
): Promise<ConsentRecord[]> {
  const lead = requireLead(db, input.actorId, 'recordConsent')
  const speaker = getSpeaker(db, input.speakerId)
  if (speaker.mergedInto !== null)
    throw SautiError.saying('conflict', 'speakerMergedConsent', {
      code: speaker.code,
      into: speaker.mergedInto,
    })
  if (input.expiresAt !== null && input.expiresAt <= input.grantedAt)
    throw SautiError.saying('validation', 'consentExpiry', {})
  const evidence = input.evidencePath
    ? await storeEvidence(db, paths, input.evidencePath, now)
    : null
  const ids = db
    .transaction(() =>
      [...new Set(input.scopes)].map((scope) =>
        recordConsent(
          db,
          {
            speakerId: input.speakerId,
            scope,
            grantedAt: input.grantedAt,
            expiresAt: input.expiresAt,
            evidenceSha256: evidence?.sha256 ?? null,
            evidenceNote: input.evidenceNote,
            recordedBy: lead.id,
          },
          now,
        ),
      ),
    )
    .immediate()
  return listConsent(db, input.speakerId, now).filter((r) => ids.includes(r.id))
}

/** Withdraws one scope or all, at once, recording who did it (docs/consent.md). */
export function withdraw(
  db: WriteDb,
  input: { actorId: number; speakerId: number; scope: ConsentScope | 'all' },
  now = new Date().toISOString(),
): WithdrawalSummary {
  const lead = requireLead(db, input.actorId, 'withdrawConsent')
  getSpeaker(db, input.speakerId)
  const result = withdrawConsent(db, input.speakerId, input.scope, now, lead.id)
  return {
    speakerId: input.speakerId,
    scope: input.scope,
    records: result.records,
    taintedCheckpoints: result.taintedCheckpoints,
  }
}
