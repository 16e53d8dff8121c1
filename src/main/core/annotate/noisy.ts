import type { NoisyMark } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'
import { editableRow } from './editor'

/**
 * Marks a clip noisy but usable, or takes the mark off (docs/ui.md, "Noisy but usable"). The
 * mark is about the audio, not the transcript: it leaves the status, the revisions and the
 * queue's order alone, so the clip can be transcribed and marked at once. Marking again keeps
 * the first marker and time. Refused as any annotator's write is (editor.ts).
 */
export function markNoisy(
  db: WriteDb,
  input: { id: number; actorId: number; noisy: boolean },
  now = new Date().toISOString(),
): NoisyMark | null {
  return db
    .transaction(() => {
      const { row, annotator } = editableRow(db, input.id, input.actorId, now)
      if (!input.noisy) {
        db.prepare(
          'UPDATE utterance SET noisy_marked_by = NULL, noisy_marked_at = NULL WHERE id = ?',
        ).run(input.id)
        return null
      }
      if (row.noisy_by !== null && row.noisy_at !== null)
        return { by: row.noisy_by, at: row.noisy_at }
      db.prepare('UPDATE utterance SET noisy_marked_by = ?, noisy_marked_at = ? WHERE id = ?').run(
        input.actorId,
        now,
        input.id,
      )
      return { by: annotator, at: now }
    })
    .immediate()
}
