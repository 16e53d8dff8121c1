import type { AnnotatorRole } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
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

/**
 * Consent decides what leaves the project, so only a lead may change it or export. The check is
 * local (profiles are not accounts): it keeps annotators from doing it by mistake and records who
 * did, which is what the audit trail needs.
 */
export function requireLead(db: WriteDb, annotatorId: number, action: string): Actor {
  const who = actor(db, annotatorId)
  if (who.role !== 'lead')
    throw new SautiError(
      'forbidden',
      `only a lead may ${action}; "${who.name}" is ${who.role === 'annotator' ? 'an' : 'a'} ${who.role}.`,
    )
  return who
}
