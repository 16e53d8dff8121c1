import type { AnnotatorRole } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { said } from '../../../shared/messages'
import type { WriteDb } from '../db/connection'

export interface Actor {
  id: number
  name: string
  role: AnnotatorRole
}

/** The profile a call names as acting; an unknown id is refused rather than trusted. */
export function actor(db: WriteDb, annotatorId: number): Actor {
  const row = db.prepare('SELECT id, name, role FROM annotator WHERE id = ?').get(annotatorId) as
    Actor | undefined
  if (!row) throw SautiError.saying('forbidden', 'unknownProfile', { id: annotatorId })
  return row
}

/** What only a lead may do, each said by a message of its own (shared/messages.ts). */
export type LeadAction =
  | 'editGuidelines'
  | 'exportData'
  | 'changeCheckpoint'
  | 'changeSplits'
  | 'defineTiers'
  | 'mergeSpeakers'
  | 'assignSpeakers'
  | 'purgeAudio'
  | 'recordConsent'
  | 'withdrawConsent'

/**
 * Consent decides what leaves the project, so only a lead may change it or export. The check is
 * local (profiles are not accounts): it keeps annotators from doing it by mistake and records who
 * did, which is what the audit trail needs.
 */
export function requireLead(db: WriteDb, annotatorId: number, action: LeadAction): Actor {
  const who = actor(db, annotatorId)
  if (who.role !== 'lead')
    throw SautiError.saying('forbidden', 'leadOnly', {
      action: said(action),
      name: who.name,
      roleArticle: who.role === 'annotator' ? 'an' : 'a',
      role: who.role,
    })
  return who
}
