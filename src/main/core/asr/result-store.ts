import { serialiseWordTimes } from '../../../shared/word-time'
import type { WriteDb } from '../db/connection'
import { confidencesFrom, currentCalibration } from './calibrate'
import { fitsSpan } from './decoded-span'
import type { UtteranceResult } from './transcribe-options'

/**
 * Stores a worker's results in one transaction: the N-best hypotheses (from the model's own
 * head, or from a checkpoint's), the acquisition measures that rank the queue, and "pseudo" for
 * utterances nobody has transcribed. Revisions are never touched. Each row records the span that
 * was decoded; a result for a span the utterance no longer has (an edge moved while it was
 * decoded) is kept as history only (decoded-span.ts): it neither shows, measures nor labels.
 *
 * `asRecord` keeps the hypotheses only as what that head read (a comparison of two models,
 * adapt/compare-scoring.ts): each utterance keeps the hypothesis it shows, its confidence, its
 * acquisition measures and its status, since the head need not be the one in use.
 */
export function resultStore(
  db: WriteDb,
  modelId: number,
  checkpointId: number | null,
  { asRecord = false }: { asRecord?: boolean } = {},
): (results: UtteranceResult[]) => void {
  const insert = db.prepare(
    `INSERT INTO hypothesis (utterance_id, model_id, checkpoint_id, rank, text, score, confidence, word_confidences, word_times, word_features, calibration_id, start_sec, end_sec, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  // Only an utterance nobody has transcribed becomes "pseudo": one with a human or imported
  // transcript keeps its status, and its revisions are never touched.
  const markPseudo = db.prepare(
    "UPDATE utterance SET status = 'pseudo' WHERE id = ? AND status = 'new' AND NOT EXISTS (SELECT 1 FROM revision WHERE utterance_id = utterance.id)",
  )
  const measure = db.prepare(
    `INSERT INTO acquisition (utterance_id, model_id, checkpoint_id, least_confidence, entropy, margin, disagreement, embedding, start_sec, end_sec, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (utterance_id) DO UPDATE SET model_id = excluded.model_id, checkpoint_id = excluded.checkpoint_id,
       least_confidence = excluded.least_confidence, entropy = excluded.entropy, margin = excluded.margin,
       disagreement = excluded.disagreement,
       -- A result without an embedding keeps the one computed from the same span, never another's.
       embedding = CASE WHEN excluded.embedding IS NULL AND acquisition.start_sec = excluded.start_sec
                             AND acquisition.end_sec = excluded.end_sec
                        THEN acquisition.embedding ELSE excluded.embedding END,
       start_sec = excluded.start_sec, end_sec = excluded.end_sec, updated_at = excluded.updated_at`,
  )
  const shown = db.prepare('SELECT hypothesis_id, confidence FROM utterance WHERE id = ?')
  const spanNow = db.prepare('SELECT start_sec, end_sec FROM utterance WHERE id = ?')
  // A new best hypothesis of the utterance's span becomes the one shown by trigger (migrations
  // 6 and 20); a record puts the one shown before back.
  const showAgain = db.prepare(
    'UPDATE utterance SET hypothesis_id = ?, confidence = ? WHERE id = ?',
  )
  return db.transaction((results: UtteranceResult[]) => {
    const now = new Date().toISOString()
    // Confidences as the head's calibration says, when it has one (asr/calibrate.ts).
    const calibration = currentCalibration(db, { modelId, checkpointId })
    for (const r of results) {
      const before = asRecord
        ? (shown.get(r.utteranceId) as { hypothesis_id: number | null; confidence: number | null })
        : null
      for (const h of r.hypotheses) {
        const calibrated = calibration ? confidencesFrom(h.wordFeatures, calibration.model) : null
        insert.run(
          r.utteranceId,
          modelId,
          checkpointId,
          h.rank,
          h.text,
          h.logProb,
          calibrated ? calibrated.utterance : h.confidence,
          JSON.stringify(calibrated ? calibrated.words : h.words.map((w) => w.confidence ?? null)),
          serialiseWordTimes(h.words),
          JSON.stringify(h.wordFeatures),
          calibration?.id ?? null,
          r.startSec,
          r.endSec,
          now,
        )
      }
      if (before) {
        showAgain.run(before.hypothesis_id, before.confidence, r.utteranceId)
        continue
      }
      const current = spanNow.get(r.utteranceId) as { start_sec: number; end_sec: number }
      if (!fitsSpan(r, { startSec: current.start_sec, endSec: current.end_sec })) continue
      const a = r.acquisition
      const embedding = a.embedding
        ? Buffer.from(a.embedding.buffer, a.embedding.byteOffset, a.embedding.byteLength)
        : null
      measure.run(
        r.utteranceId,
        modelId,
        checkpointId,
        a.leastConfidence,
        a.entropy,
        a.margin,
        a.disagreement,
        embedding,
        r.startSec,
        r.endSec,
        now,
      )
      markPseudo.run(r.utteranceId)
    }
  }).immediate
}
