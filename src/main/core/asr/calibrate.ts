import type { CalibrationStatus } from '../../../shared/domain'
import {
  aucRoc,
  expectedCalibrationError,
  wordOutcomes,
  type ScoredWord,
} from '../../../shared/metrics/confidence-quality'
import { normalize, normalizeWords } from '../../../shared/text/normalize'
import { labelledUtterances } from '../adapt/dataset'
import type { ReadDb, WriteDb } from '../db/connection'
import { projectRules } from '../language/rules'
import {
  calibratedConfidence,
  chooseCalibration,
  MIN_DEV_WORDS,
  type CalibrationModel,
  type LabelledWord,
} from './calibration'
import { utteranceConfidence } from './confidence'
import { fitsSpanSql } from './decoded-span'
import type { WordFeatures } from './word-features'

/**
 * Calibration in the project (docs/metrics.md, "Word confidence, calibrated"): the dev split's
 * words labelled right or wrong against their transcripts, a fit per model and checkpoint
 * stored in `calibration`, and every stored hypothesis of that head given the confidences the
 * fit says (or its raw ones back, when there is too little to fit on).
 */

/** A head: the model's own (checkpoint null) or an adapted checkpoint's. */
export interface Head {
  modelId: number
  checkpointId: number | null
}

/** The calibration that applies to a head's hypotheses now: its newest fit, if that fitted. */
export function currentCalibration(
  db: ReadDb,
  head: Head,
): { id: number; model: CalibrationModel } | null {
  const row = db
    .prepare(
      'SELECT id, status, parameters FROM calibration WHERE model_id = ? AND checkpoint_id IS ? ORDER BY id DESC LIMIT 1',
    )
    .get(head.modelId, head.checkpointId) as
    { id: number; status: 'fitted' | 'raw'; parameters: string | null } | undefined
  if (!row || row.status !== 'fitted' || !row.parameters) return null
  return { id: row.id, model: JSON.parse(row.parameters) as CalibrationModel }
}

/** A hypothesis' word and utterance confidences from its words' raw scores. */
export function confidencesFrom(
  features: readonly WordFeatures[],
  model: CalibrationModel | null,
): { words: number[]; utterance: number | null } {
  const words = features.map((f) => (model ? calibratedConfidence(model, f) : f[0]!))
  // The mean of P(word right): the share of the words expected to be right.
  return { words, utterance: utteranceConfidence(words) }
}

/**
 * The dev split's words under a head's best hypotheses, each labelled right or wrong against
 * the utterance's transcript (normalised by the project's rules, aligned as WER aligns).
 */
export function devWords(
  db: WriteDb,
  head: Head,
  now = new Date().toISOString(),
): { words: LabelledWord[]; utterances: number } {
  const dev = labelledUtterances(db, now).filter((u) => u.split === 'dev')
  const best = db.prepare(
    `SELECT h.text, h.word_features FROM hypothesis h JOIN utterance u ON u.id = h.utterance_id
     WHERE h.utterance_id = ? AND h.model_id = ? AND h.checkpoint_id IS ? AND h.rank = 1
       AND h.word_features IS NOT NULL AND ${fitsSpanSql('h', 'u')}
     ORDER BY h.id DESC LIMIT 1`,
  )
  const rules = projectRules(db)
  const words: LabelledWord[] = []
  let utterances = 0
  for (const u of dev) {
    const h = best.get(u.utteranceId, head.modelId, head.checkpointId) as
      { text: string; word_features: string } | undefined
    if (!h) continue
    utterances++
    const features = JSON.parse(h.word_features) as WordFeatures[]
    const outcomes = wordOutcomes(
      normalizeWords(u.text, rules),
      h.text.split(/\s+/u).filter(Boolean),
      (w) => normalize(w, rules).split(' ').filter(Boolean),
    )
    outcomes.forEach((correct, i) => {
      if (correct !== null && features[i])
        words.push({ features: features[i]!, correct, group: u.utteranceId })
    })
  }
  return { words, utterances }
}

/**
 * Fits the calibration of a head on the dev split, stores it, and gives every stored hypothesis
 * of the head its confidences under it. Too few dev words: the raw scores stay, and the stored
 * row says why. Returns what the Model screen shows.
 */
export function fitCalibration(
  db: WriteDb,
  head: Head,
  now = new Date().toISOString(),
): CalibrationStatus {
  const { words, utterances } = devWords(db, head, now)
  const choice = chooseCalibration(words)
  const raw: ScoredWord[] = words.map((w) => ({ confidence: w.features[0]!, correct: w.correct }))
  const calibrated: ScoredWord[] = choice.model
    ? choice.outOfFold.map((p, i) => ({ confidence: p, correct: words[i]!.correct }))
    : raw
  const metrics = {
    rawAuc: aucRoc(raw),
    rawEce: expectedCalibrationError(raw),
    auc: aucRoc(calibrated),
    ece: expectedCalibrationError(calibrated),
    ...(choice.model ? { logLoss: choice.logLoss } : {}),
  }
  const message = choice.model
    ? `fitted on ${words.length} dev words of ${utterances} utterances`
    : `raw scores kept: ${choice.reason}`
  const id = db
    .transaction(() => {
      const calibrationId = Number(
        db
          .prepare(
            `INSERT INTO calibration (model_id, checkpoint_id, status, method, parameters, dev_words, dev_utterances, metrics, message, fitted_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            head.modelId,
            head.checkpointId,
            choice.model ? 'fitted' : 'raw',
            choice.model?.name ?? null,
            choice.model ? JSON.stringify(choice.model) : null,
            words.length,
            utterances,
            JSON.stringify(metrics),
            message,
            now,
          ).lastInsertRowid,
      )
      applyCalibration(db, head, choice.model ? { id: calibrationId, model: choice.model } : null)
      return calibrationId
    })
    .immediate()
  return calibrationStatus(db, id)!
}

/** Rewrites the confidences of every stored hypothesis of a head that kept its raw scores. */
function applyCalibration(
  db: WriteDb,
  head: Head,
  calibration: { id: number; model: CalibrationModel } | null,
): void {
  const rows = db
    .prepare(
      'SELECT id, word_features FROM hypothesis WHERE model_id = ? AND checkpoint_id IS ? AND word_features IS NOT NULL',
    )
    .all(head.modelId, head.checkpointId) as { id: number; word_features: string }[]
  const update = db.prepare(
    'UPDATE hypothesis SET confidence = ?, word_confidences = ?, calibration_id = ? WHERE id = ?',
  )
  for (const r of rows) {
    const c = confidencesFrom(
      JSON.parse(r.word_features) as WordFeatures[],
      calibration?.model ?? null,
    )
    update.run(c.utterance, JSON.stringify(c.words), calibration?.id ?? null, r.id)
  }
}

interface CalibrationRow {
  id: number
  checkpoint_id: number | null
  status: 'fitted' | 'raw'
  method: string | null
  dev_words: number
  dev_utterances: number
  metrics: string
  message: string
  fitted_at: string
}

function toStatus(r: CalibrationRow): CalibrationStatus {
  const m = JSON.parse(r.metrics) as Partial<CalibrationStatus['dev']>
  return {
    checkpointId: r.checkpoint_id,
    status: r.status,
    method: r.method,
    devWords: r.dev_words,
    devUtterances: r.dev_utterances,
    minimumWords: MIN_DEV_WORDS,
    message: r.message,
    dev: {
      rawAuc: m.rawAuc ?? null,
      rawEce: m.rawEce ?? null,
      auc: m.auc ?? null,
      ece: m.ece ?? null,
    },
    fittedAt: r.fitted_at,
  }
}

const statusSelect =
  'SELECT id, checkpoint_id, status, method, dev_words, dev_utterances, metrics, message, fitted_at FROM calibration'

function calibrationStatus(db: ReadDb, id: number): CalibrationStatus | null {
  const row = db.prepare(`${statusSelect} WHERE id = ?`).get(id) as CalibrationRow | undefined
  return row ? toStatus(row) : null
}

/**
 * The calibration of the head the project labels with now: the active checkpoint's, else the
 * model's own (of the newest labelling run). Null before anything was fitted for it.
 */
export function activeCalibration(db: ReadDb): CalibrationStatus | null {
  const head =
    (db
      .prepare(
        "SELECT model_id AS modelId, id AS checkpointId FROM checkpoint WHERE status = 'active' ORDER BY id DESC LIMIT 1",
      )
      .get() as Head | undefined) ??
    (db
      .prepare(
        'SELECT model_id AS modelId, NULL AS checkpointId FROM label_run ORDER BY id DESC LIMIT 1',
      )
      .get() as Head | undefined)
  if (!head) return null
  const row = db
    .prepare(`${statusSelect} WHERE model_id = ? AND checkpoint_id IS ? ORDER BY id DESC LIMIT 1`)
    .get(head.modelId, head.checkpointId) as CalibrationRow | undefined
  return row ? toStatus(row) : null
}

/** Whether the project has a dev split to calibrate on (labelling fits only then). */
export function hasDevSplit(db: ReadDb): boolean {
  return db.prepare("SELECT 1 FROM utterance WHERE split = 'dev' LIMIT 1").get() !== undefined
}
