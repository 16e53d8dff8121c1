import type { Hypothesis, RevisionInfo } from '../../../shared/domain'
import { editCost } from '../../../shared/metrics/edit-cost'
import {
  decidePrefill,
  prefillSettings,
  type CostObservation,
  type PrefillDecision,
  type PrefillSetting,
} from '../../../shared/metrics/prefill'
import { referenceReader } from '../asr/head-output'
import type { ReadDb, WriteDb } from '../db/connection'
import { annotatorText } from '../provenance/human-text'

/*
 * Whether the editor opens an utterance with the model's hypothesis in the field or empty
 * (docs/ui.md, "Started empty"; the rule is shared/metrics/prefill.ts). The project's setting
 * is kept in project_meta under "prefill".
 */

const KEY = 'prefill'

/** The newest corrections read for the expectation: recent ones speak for the model in use. */
const HISTORY = 200

export function prefillSetting(db: ReadDb): PrefillSetting {
  const row = db.prepare('SELECT value FROM project_meta WHERE key = ?').get(KEY) as
    { value: string } | undefined
  const value = row?.value as PrefillSetting | undefined
  return value && prefillSettings.includes(value) ? value : 'automatic'
}

export function setPrefillSetting(db: WriteDb, setting: PrefillSetting): void {
  db.prepare(
    'INSERT INTO project_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(KEY, setting)
}

/**
 * What correcting the model's hypotheses has cost in this project: each utterance's first final
 * correction against the hypothesis it was offered (the one it started from, or, when it was
 * typed from an empty field, the utterance's own), with that hypothesis' confidence. Only
 * hypotheses with the kind of confidence asked for (calibrated or raw), never references.
 */
export function correctionHistory(db: ReadDb, calibrated: boolean): CostObservation[] {
  // Read and scored again only when a revision or a calibration was added since: opening each
  // utterance would otherwise re-read 200 corrections and re-align each with its hypothesis.
  const { stamp } = db
    .prepare(
      "SELECT coalesce((SELECT max(id) FROM revision), 0) || ':' || coalesce((SELECT max(id) FROM calibration), 0) AS stamp",
    )
    .get() as { stamp: string }
  const cached = historyCache.get(db)?.get(calibrated)
  if (cached?.stamp === stamp) return cached.history
  const history = readHistory(db, calibrated)
  if (!historyCache.has(db)) historyCache.set(db, new Map())
  historyCache.get(db)!.set(calibrated, { stamp, history })
  return history
}

const historyCache = new WeakMap<
  ReadDb,
  Map<boolean, { stamp: string; history: CostObservation[] }>
>()

function readHistory(db: ReadDb, calibrated: boolean): CostObservation[] {
  const rows = db
    .prepare(
      `SELECT v.text, h.text AS shown, h.confidence, h.model_id, h.checkpoint_id, u.language
       FROM revision v
       JOIN utterance u ON u.id = v.utterance_id
       JOIN hypothesis h ON h.id = coalesce(v.hypothesis_id, u.hypothesis_id)
       WHERE ${annotatorText('v')}
         AND v.id = (SELECT min(w.id) FROM revision w WHERE w.utterance_id = v.utterance_id
                     AND ${annotatorText('w')})
         AND u.status IN ('corrected', 'reviewed')
         AND h.confidence IS NOT NULL AND (h.calibration_id IS NOT NULL) = ?
       ORDER BY v.id DESC LIMIT ?`,
    )
    .all(calibrated ? 1 : 0, HISTORY) as {
    text: string
    shown: string
    confidence: number
    model_id: number
    checkpoint_id: number | null
    language: string | null
  }[]
  const reference = referenceReader(db)
  return rows
    .filter(
      (r) =>
        reference({ modelId: r.model_id, checkpointId: r.checkpoint_id, language: r.language }) ===
        null,
    )
    .map((r) => {
      const c = editCost(r.shown, r.text)
      return {
        predictedError: 1 - r.confidence,
        keystrokes: c.keystrokes,
        typing: c.typingKeystrokes,
      }
    })
}

/**
 * How the editor starts an utterance no one has written for yet: null once there is a revision
 * (the editor starts from it) or when the model gave no transcript (only references, or none).
 */
export function startingPoint(
  db: ReadDb,
  hypotheses: readonly Hypothesis[],
  head: RevisionInfo | null,
): PrefillDecision | null {
  if (head) return null
  const best = hypotheses.find((h) => !h.reference)
  if (!best) return null
  const setting = prefillSetting(db)
  return decidePrefill({
    setting,
    text: best.text,
    confidence: best.confidence,
    calibrated: best.calibrated,
    history:
      setting === 'automatic' && best.confidence !== null
        ? correctionHistory(db, best.calibrated)
        : [],
  })
}
