import type { ClaimInfo, ClaimState, UtteranceStatus } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { ReadDb, WriteDb } from '../db/connection'
import { openDouble } from '../review/blind'
import { inSample } from '../review/sample'
import { reviewSettings } from '../review/settings'

/**
 * Work claims (docs/team-server.md): opening an utterance claims it for the annotator, so the
 * queue serves everyone else other utterances. A claim lapses after the idle time unless the
 * editor renews it; a final save, a skip or leaving releases it. Claims only steer who is served
 * what: a save is still checked against the revision it started from.
 */

/**
 * Utterances held by someone other than `:viewer` (a live claim at `:claimNow`), for the queue.
 * A blind double annotation is not hidden from the annotator it is assigned to.
 */
export const heldByOthers = `
  SELECT c.utterance_id FROM claim c
  WHERE c.expires_at > :claimNow AND c.annotator_id <> :viewer
    AND NOT EXISTS (SELECT 1 FROM double_annotation d
                    WHERE d.utterance_id = c.utterance_id AND d.adjudicated_revision_id IS NULL
                      AND :viewer IN (d.first_annotator_id, coalesce(d.second_annotator_id, :viewer)))`

/** How many may hold an utterance at once: two when blind double annotation serves it. */
function capacity(db: WriteDb, utteranceId: number, annotatorId: number): number {
  const double = openDouble(db, utteranceId)
  if (double) {
    const assigned = [double.firstAnnotatorId, double.secondAnnotatorId]
    return assigned.includes(annotatorId) || double.secondAnnotatorId === null ? 2 : 0
  }
  const settings = reviewSettings(db)
  return settings.doubleAnnotationShare > 0 &&
    inSample(utteranceId, settings.doubleAnnotationShare, settings.seed, 'double')
    ? 2
    : 1
}

function holders(db: ReadDb, utteranceId: number, now: string): { id: number; name: string }[] {
  return db
    .prepare(
      `SELECT a.id, a.name FROM claim c JOIN annotator a ON a.id = c.annotator_id
       WHERE c.utterance_id = ? AND c.expires_at > ? ORDER BY c.claimed_at`,
    )
    .all(utteranceId, now) as { id: number; name: string }[]
}

/**
 * Claims the utterance for the annotator, or renews their claim, in one transaction: of two
 * annotators opening it at once, one gets it and the other is told who holds it. With
 * `statuses`, an utterance whose status has moved on (someone finished it) is not claimed.
 */
export function claimUtterance(
  db: WriteDb,
  utteranceId: number,
  annotatorId: number,
  idleMs: number,
  options: { statuses?: UtteranceStatus[]; at?: Date } = {},
): ClaimState {
  const at = options.at ?? new Date()
  const now = at.toISOString()
  const expiresAt = new Date(at.getTime() + idleMs).toISOString()
  return db
    .transaction((): ClaimState => {
      const row = db.prepare('SELECT status FROM utterance WHERE id = ?').get(utteranceId) as
        { status: UtteranceStatus } | undefined
      if (!row) throw SautiError.saying('not_found', 'noUtterance', { id: utteranceId })
      const { status } = row
      if (!db.prepare('SELECT 1 FROM annotator WHERE id = ?').get(annotatorId))
        throw SautiError.saying('forbidden', 'noProfile', { id: annotatorId })
      db.prepare('DELETE FROM claim WHERE expires_at <= ?').run(now)
      const others = holders(db, utteranceId, now).filter((h) => h.id !== annotatorId)
      const mine = !!db
        .prepare('SELECT 1 FROM claim WHERE utterance_id = ? AND annotator_id = ?')
        .get(utteranceId, annotatorId)
      const open = options.statuses === undefined || options.statuses.includes(status)
      if (!open) return { utteranceId, status, mine: false, heldBy: [], expiresAt: null }
      if (mine)
        db.prepare(
          'UPDATE claim SET expires_at = ? WHERE utterance_id = ? AND annotator_id = ?',
        ).run(expiresAt, utteranceId, annotatorId)
      else if (others.length < capacity(db, utteranceId, annotatorId))
        db.prepare(
          'INSERT INTO claim (utterance_id, annotator_id, claimed_at, expires_at) VALUES (?, ?, ?, ?)',
        ).run(utteranceId, annotatorId, now, expiresAt)
      else
        return {
          utteranceId,
          status,
          mine: false,
          heldBy: others.map((o) => o.name),
          expiresAt: null,
        }
      return { utteranceId, status, mine: true, heldBy: others.map((o) => o.name), expiresAt }
    })
    .immediate()
}

/** Renews a claim the annotator holds (an autosave is work on it); takes none. */
export function renewClaim(
  db: WriteDb,
  utteranceId: number,
  annotatorId: number,
  idleMs: number,
  at = new Date(),
): void {
  db.prepare(
    'UPDATE claim SET expires_at = ? WHERE utterance_id = ? AND annotator_id = ? AND expires_at > ?',
  ).run(new Date(at.getTime() + idleMs).toISOString(), utteranceId, annotatorId, at.toISOString())
}

export function releaseClaim(db: WriteDb, utteranceId: number, annotatorId: number): boolean {
  return (
    db
      .prepare('DELETE FROM claim WHERE utterance_id = ? AND annotator_id = ?')
      .run(utteranceId, annotatorId).changes > 0
  )
}

/** Every live claim, for a lead. */
export function listClaims(db: ReadDb, at = new Date()): ClaimInfo[] {
  return (
    db
      .prepare(
        `SELECT c.utterance_id, c.annotator_id, a.name, c.claimed_at, c.expires_at
         FROM claim c JOIN annotator a ON a.id = c.annotator_id
         WHERE c.expires_at > ? ORDER BY c.claimed_at`,
      )
      .all(at.toISOString()) as {
      utterance_id: number
      annotator_id: number
      name: string
      claimed_at: string
      expires_at: string
    }[]
  ).map((r) => ({
    utteranceId: r.utterance_id,
    annotatorId: r.annotator_id,
    annotatorName: r.name,
    claimedAt: r.claimed_at,
    expiresAt: r.expires_at,
  }))
}
