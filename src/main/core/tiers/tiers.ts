import type { ProjectTier, TierInterval, TierKind, TierText } from '../../../shared/domain'
import { isReservedTierName } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { editableRow, servedRow, utteranceRow } from '../annotate/editor'
import { requireLead } from '../consent/roles'
import type { WriteDb } from '../db/connection'

/*
 * A project's own tiers and their text (docs/tiers.md). Tier text is append-only: every write
 * is a new version with its writer (or the file it came from) and time; the newest is current.
 */

const SLACK_SEC = 0.0005

export function listTiers(db: WriteDb): ProjectTier[] {
  return db
    .prepare('SELECT id, name, kind, position FROM tier ORDER BY position, id')
    .all() as ProjectTier[]
}

/**
 * Adds a tier at the end of the list, by a lead or (`createdBy` null) by an annotation import.
 * A name the project has already (in any case) or one the exports keep for their own tiers is
 * refused. Call inside a transaction.
 */
export function insertTier(
  db: WriteDb,
  input: { name: string; kind: TierKind; createdBy: number | null },
  now: string,
): ProjectTier {
  if (isReservedTierName(input.name))
    throw SautiError.saying('validation', 'tierNameReserved', { name: input.name.trim() })
  const taken = db.prepare('SELECT name FROM tier WHERE name = ? COLLATE NOCASE').get(input.name)
  if (taken) throw SautiError.saying('conflict', 'tierExists', { name: input.name })
  const position = (
    db.prepare('SELECT coalesce(max(position), 0) + 1 AS p FROM tier').get() as { p: number }
  ).p
  const id = Number(
    db
      .prepare(
        'INSERT INTO tier (name, kind, position, created_by, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(input.name, input.kind, position, input.createdBy, now).lastInsertRowid,
  )
  return { id, name: input.name, kind: input.kind, position }
}

/** A lead adds a tier (insertTier's refusals apply). */
export function defineTier(
  db: WriteDb,
  input: { actorId: number; name: string; kind: TierKind },
  now = new Date().toISOString(),
): ProjectTier {
  return db
    .transaction((): ProjectTier => {
      requireLead(db, input.actorId, 'defineTiers')
      return insertTier(db, { name: input.name, kind: input.kind, createdBy: input.actorId }, now)
    })
    .immediate()
}

interface TextRow {
  tier_id: number
  utterance_id: number
  intervals: string
  annotator: string | null
  source_ref: string
  created_at: string
}

const toText = (r: TextRow): TierText => ({
  tierId: r.tier_id,
  utteranceId: r.utterance_id,
  intervals: JSON.parse(r.intervals) as TierInterval[],
  by: r.annotator ?? r.source_ref,
  at: r.created_at,
})

/** Each tier's newest text on an utterance (served only where the utterance is). */
export function tierTexts(
  db: WriteDb,
  utteranceId: number,
  now = new Date().toISOString(),
): TierText[] {
  servedRow(db, utteranceId, now)
  return (
    db
      .prepare(
        `SELECT t.tier_id, t.utterance_id, t.intervals, a.name AS annotator, t.source_ref, t.created_at
         FROM tier_text t LEFT JOIN annotator a ON a.id = t.annotator_id
         WHERE t.id IN (SELECT max(id) FROM tier_text WHERE utterance_id = ? GROUP BY tier_id)
         ORDER BY t.tier_id`,
      )
      .all(utteranceId) as TextRow[]
  ).map(toText)
}

/**
 * The intervals a write stores: an utterance tier's one text spans the utterance; a
 * time-aligned tier's intervals must be ordered, not overlapping and inside the utterance.
 */
function checkedIntervals(
  kind: TierKind,
  input: { intervals?: TierInterval[]; text?: string },
  bounds: { start: number; end: number },
): TierInterval[] {
  if (kind === 'utterance') {
    if (input.text === undefined) throw SautiError.saying('validation', 'tierNeedsText', {})
    return [{ start: bounds.start, end: bounds.end, text: input.text }]
  }
  if (input.intervals === undefined) throw SautiError.saying('validation', 'tierNeedsIntervals', {})
  let previous = bounds.start
  for (const [i, iv] of input.intervals.entries()) {
    if (iv.start < previous - SLACK_SEC || iv.end < iv.start || iv.end > bounds.end + SLACK_SEC)
      throw SautiError.saying('validation', 'intervalOutside', {
        n: i + 1,
        start: iv.start.toFixed(3),
        end: iv.end.toFixed(3),
        from: bounds.start.toFixed(3),
        to: bounds.end.toFixed(3),
      })
    previous = iv.end
  }
  return input.intervals
}

/**
 * Writes a tier's text on an utterance: a new version, by a person (who must be allowed to edit
 * it) or from a file, which, like a file's transcript, is stored whatever the speaker's consent
 * (consent decides what is served and exported, not what a project may hold).
 */
export function writeTierText(
  db: WriteDb,
  input: {
    tierId: number
    utteranceId: number
    intervals?: TierInterval[]
    text?: string
    by: { actorId: number } | { ref: string }
  },
  now = new Date().toISOString(),
): TierText {
  return db
    .transaction((): TierText => {
      const row =
        'actorId' in input.by
          ? editableRow(db, input.utteranceId, input.by.actorId, now).row
          : utteranceRow(db, input.utteranceId)
      const tier = db.prepare('SELECT kind FROM tier WHERE id = ?').get(input.tierId) as
        { kind: TierKind } | undefined
      if (!tier) throw SautiError.saying('not_found', 'noTier', { id: input.tierId })
      const intervals = checkedIntervals(tier.kind, input, {
        start: row.start_sec,
        end: row.end_sec,
      })
      const id = db
        .prepare(
          `INSERT INTO tier_text (tier_id, utterance_id, intervals, annotator_id, source_ref, created_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.tierId,
          input.utteranceId,
          JSON.stringify(intervals),
          'actorId' in input.by ? input.by.actorId : null,
          'ref' in input.by ? input.by.ref : '',
          now,
        ).lastInsertRowid
      return toText(
        db
          .prepare(
            `SELECT t.tier_id, t.utterance_id, t.intervals, a.name AS annotator, t.source_ref, t.created_at
             FROM tier_text t LEFT JOIN annotator a ON a.id = t.annotator_id WHERE t.id = ?`,
          )
          .get(id) as TextRow,
      )
    })
    .immediate()
}
