import type { WriteDb } from '../db/connection'
import type { ConsentScope } from './speakers'

export interface Withdrawal {
  /** Consent records closed. */
  records: number
  /** Checkpoints trained on the speaker's utterances, now marked tainted. */
  taintedCheckpoints: number[]
  /** The checkpoint now in use after the active one was tainted (null: the base model). */
  fallback: { modelId: number; checkpointId: number | null } | null
}

/**
 * Withdraws a speaker's consent to one scope (or to all), effective at `now`. Withdrawing model
 * training also marks every checkpoint that trained on the speaker's utterances as tainted (it
 * is no longer used; the nearest untainted ancestor, or the base model, takes over), and the next
 * training leaves the speaker out. Annotation: the queue's consent gate drops them at once.
 */
export function withdrawConsent(
  db: WriteDb,
  speakerId: number,
  scope: ConsentScope | 'all',
  now = new Date().toISOString(),
  /** The lead who recorded the withdrawal (null: the application itself, e.g. a purge in tests). */
  withdrawnBy: number | null = null,
): Withdrawal {
  return db
    .transaction((): Withdrawal => {
      const records = db
        .prepare(
          `UPDATE consent SET withdrawn_at = ?, withdrawn_by = ?
         WHERE speaker_id = ? AND withdrawn_at IS NULL AND (? = 'all' OR scope = ?)`,
        )
        .run(now, withdrawnBy, speakerId, scope, scope).changes
      if (scope !== 'all' && scope !== 'model_training')
        return { records, taintedCheckpoints: [], fallback: null }
      const code = (
        db.prepare('SELECT code FROM speaker WHERE id = ?').get(speakerId) as
          { code: string } | undefined
      )?.code
      const tainted = db
        .prepare(
          `SELECT DISTINCT c.id, c.model_id, c.status FROM checkpoint c
         JOIN lineage l ON l.checkpoint_id = c.id
         JOIN revision v ON v.id = l.revision_id
         JOIN utterance u ON u.id = v.utterance_id
         WHERE u.speaker_id = ? AND c.status <> 'tainted'
         ORDER BY c.id`,
        )
        .all(speakerId) as { id: number; model_id: number; status: string }[]
      const mark = db.prepare(
        "UPDATE checkpoint SET status = 'tainted', tainted_reason = ? WHERE id = ?",
      )
      for (const c of tainted)
        mark.run(
          `trained on speaker ${code ?? speakerId}, who withdrew consent to model training on ${now}`,
          c.id,
        )
      let fallback: Withdrawal['fallback'] = null
      const wasActive = tainted.find((c) => c.status === 'active')
      if (wasActive) {
        // Walk up the lineage to the nearest checkpoint that is still clean.
        let parent = (
          db.prepare('SELECT parent_id FROM checkpoint WHERE id = ?').get(wasActive.id) as {
            parent_id: number | null
          }
        ).parent_id
        while (parent !== null) {
          const row = db
            .prepare('SELECT status, parent_id FROM checkpoint WHERE id = ?')
            .get(parent) as { status: string; parent_id: number | null }
          if (row.status !== 'tainted') break
          parent = row.parent_id
        }
        if (parent !== null)
          db.prepare("UPDATE checkpoint SET status = 'active', activated_at = ? WHERE id = ?").run(
            now,
            parent,
          )
        fallback = { modelId: wasActive.model_id, checkpointId: parent }
      }
      return { records, taintedCheckpoints: tainted.map((c) => c.id), fallback }
    })
    .immediate()
}
