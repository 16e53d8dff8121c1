/**
 * A lead puts an earlier checkpoint (or the base model) back in use (docs/training.md, "Rolling
 * back"), with the reason kept in the project's record of activations.
 */
import { z } from 'zod'
import type { CheckpointActivation } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { fitsSpanSql } from '../asr/decoded-span'
import type { ReadDb, WriteDb } from '../db/connection'

const KEY = 'checkpoint_activations'

const activationSchema = z.object({
  at: z.string(),
  modelId: z.number().int(),
  /** The checkpoint in use before; null: the base model. */
  from: z.number().int().nullable(),
  /** The checkpoint put in use; null: the base model. */
  to: z.number().int().nullable(),
  byId: z.number().int(),
  by: z.string(),
  reason: z.string(),
})

/**
 * The activations leads made, oldest first. Kept in project_meta as JSON, as the split policy
 * keeps who fixed it: a lead's decision about the project, read back with a schema.
 */
export function checkpointActivations(db: ReadDb): CheckpointActivation[] {
  const row = db.prepare('SELECT value FROM project_meta WHERE key = ?').get(KEY) as
    { value: string } | undefined
  const parsed = z.array(activationSchema).safeParse(row ? JSON.parse(row.value) : [])
  return parsed.success ? parsed.data : []
}

export interface ActivationRequest {
  modelId: number
  /** The checkpoint to use; null: the base model, no checkpoint. */
  checkpointId: number | null
  actor: { id: number; name: string }
  reason: string
}

/**
 * Puts the checkpoint (or the base model) in use for its model in one transaction: the others
 * of that model become inactive (tainted ones stay tainted), and utterances whose current
 * hypothesis is this model's point at the chosen head's newest best hypothesis where it decoded
 * them, so the queue and the editor show its text at once. The record says who, when and why.
 * Refused for a tainted checkpoint, one of another model, and the one already in use.
 */
export function activateCheckpoint(
  db: WriteDb,
  request: ActivationRequest,
  now = new Date().toISOString(),
): CheckpointActivation {
  return db
    .transaction(() => {
      const current =
        (
          db
            .prepare(
              "SELECT id FROM checkpoint WHERE model_id = ? AND status = 'active' ORDER BY id DESC LIMIT 1",
            )
            .get(request.modelId) as { id: number } | undefined
        )?.id ?? null
      const target = request.checkpointId
      if (target !== null) {
        const row = db
          .prepare('SELECT model_id, status, tainted_reason FROM checkpoint WHERE id = ?')
          .get(target) as
          { model_id: number; status: string; tainted_reason: string | null } | undefined
        if (!row || row.model_id !== request.modelId)
          throw new SautiError('not_found', `no checkpoint ${target} of this model`)
        if (row.status === 'tainted')
          throw new SautiError(
            'conflict',
            `checkpoint ${target} cannot be used again: ${row.tainted_reason ?? 'it is tainted'}.`,
          )
      }
      if (target === current)
        throw new SautiError(
          'conflict',
          target === null
            ? 'the base model is already in use: no checkpoint is active.'
            : `checkpoint ${target} is already in use.`,
        )
      db.prepare(
        "UPDATE checkpoint SET status = 'inactive' WHERE model_id = ? AND status = 'active'",
      ).run(request.modelId)
      if (target !== null)
        db.prepare("UPDATE checkpoint SET status = 'active', activated_at = ? WHERE id = ?").run(
          now,
          target,
        )
      db.prepare(
        `UPDATE utterance
         SET hypothesis_id = best.id, confidence = (SELECT confidence FROM hypothesis WHERE id = best.id)
         FROM (SELECT h.utterance_id, max(h.id) AS id FROM hypothesis h
               JOIN utterance u ON u.id = h.utterance_id AND ${fitsSpanSql('h', 'u')}
               WHERE h.model_id = :model AND h.checkpoint_id IS :checkpoint AND h.rank = 1
               GROUP BY h.utterance_id) AS best
         WHERE utterance.id = best.utterance_id
           AND (SELECT model_id FROM hypothesis WHERE id = utterance.hypothesis_id) = :model`,
      ).run({ model: request.modelId, checkpoint: target })
      const record: CheckpointActivation = {
        at: now,
        modelId: request.modelId,
        from: current,
        to: target,
        byId: request.actor.id,
        by: request.actor.name,
        reason: request.reason,
      }
      db.prepare(
        'INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ).run(KEY, JSON.stringify([...checkpointActivations(db), record]))
      return record
    })
    .immediate()
}
