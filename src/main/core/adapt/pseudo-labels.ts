import { align } from '../../../shared/metrics/errors'
import { words } from '../../../shared/text/normalize'
import { consentedSpeakers } from '../consent/policy'
import { fitsSpanSql } from '../asr/decoded-span'
import type { WriteDb } from '../db/connection'
import { hasHumanText } from '../provenance/human-text'
import type { LabelledUtterance } from './dataset'
import { trainingText } from './vocabulary'

/** Accepted pseudo-labels may be this wrong, measured on the dev split (slimIPL-style). */
export const PSEUDO_LABEL_MAX_WER = 0.1

export interface PseudoLabelThreshold {
  /** Hypotheses at least this confident are accepted. */
  confidence: number
  /** Dev utterances at or above it, and their WER against the transcripts. */
  devAccepted: number
  devWer: number
  devUtterances: number
}

/**
 * The lowest confidence at which the checkpoint's hypotheses on the dev split, taken from the
 * most confident down, still have WER ≤ 10 % against the people's transcripts; null when the dev
 * split is too small to say or no threshold reaches it.
 */
export function choosePseudoLabelThreshold(
  db: WriteDb,
  checkpointId: number,
  dev: LabelledUtterance[],
  minimumDev = 20,
): PseudoLabelThreshold | null {
  if (dev.length < minimumDev) return null
  const stmt = db.prepare(
    `SELECT h.text, h.confidence FROM hypothesis h JOIN utterance u ON u.id = h.utterance_id
     WHERE h.utterance_id = ? AND h.checkpoint_id = ? AND h.rank = 1 AND ${fitsSpanSql('h', 'u')}
     ORDER BY h.id DESC LIMIT 1`,
  )
  const scored = dev
    .map((u) => {
      const h = stmt.get(u.utteranceId, checkpointId) as
        { text: string; confidence: number | null } | undefined
      if (!h || h.confidence === null) return null
      const counts = align(words(trainingText(u.text)), words(h.text))
      return {
        confidence: h.confidence,
        errors: counts.substitutions + counts.deletions + counts.insertions,
        n: counts.n,
      }
    })
    .filter((x): x is { confidence: number; errors: number; n: number } => x !== null)
    .sort((a, b) => b.confidence - a.confidence)
  if (scored.length < minimumDev) return null
  let errors = 0
  let n = 0
  let best: PseudoLabelThreshold | null = null
  scored.forEach((s, i) => {
    errors += s.errors
    n += s.n
    const wer = n ? errors / n : 0
    // Only at the boundary between two confidences, so the threshold admits exactly these.
    const next = scored[i + 1]
    if (wer <= PSEUDO_LABEL_MAX_WER && (!next || next.confidence < s.confidence))
      best = {
        confidence: s.confidence,
        devAccepted: i + 1,
        devWer: wer,
        devUtterances: scored.length,
      }
  })
  return best
}

export interface PseudoLabel {
  utteranceId: number
  hypothesisId: number
  speakerId: number
  recordingSha256: string
  startSec: number
  endSec: number
  text: string
}

/**
 * Untranscribed utterances whose current hypothesis (from the checkpoint) clears the threshold,
 * from training-split speakers who consent to model training (never dev or test speakers).
 */
export function pseudoLabelCandidates(
  db: WriteDb,
  checkpointId: number,
  threshold: number,
  now: string,
): PseudoLabel[] {
  const training = consentedSpeakers('model_training', now)
  const rows = db
    .prepare(
      `SELECT u.id, h.id AS hypothesis_id, u.speaker_id, r.sha256, u.start_sec, u.end_sec, h.text
       FROM utterance u
       JOIN hypothesis h ON h.id = u.hypothesis_id
       JOIN recording r ON r.id = u.recording_id AND r.purged_at IS NULL
       WHERE u.merged_into IS NULL AND u.status IN ('new', 'pseudo') AND u.split = 'train'
         AND h.checkpoint_id = :checkpoint AND h.confidence >= :threshold AND h.text <> ''
         AND NOT ${hasHumanText('u.id')}
         AND u.speaker_id IN (${training.sql})
       ORDER BY u.id`,
    )
    .all({ checkpoint: checkpointId, threshold, ...training.params }) as {
    id: number
    hypothesis_id: number
    speaker_id: number
    sha256: string
    start_sec: number
    end_sec: number
    text: string
  }[]
  return rows.map((r) => ({
    utteranceId: r.id,
    hypothesisId: r.hypothesis_id,
    speakerId: r.speaker_id,
    recordingSha256: r.sha256,
    startSec: r.start_sec,
    endSec: r.end_sec,
    text: r.text,
  }))
}
