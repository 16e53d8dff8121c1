import type {
  AdaptationStatus,
  CheckpointSummary,
  DevScores,
  RateTrialScore,
} from '../../../shared/domain'
import { activeCalibration } from '../asr/calibrate'
import type { WriteDb } from '../db/connection'
import { annotatorText } from '../provenance/human-text'
import { labelledWithoutTrainingConsent } from './dataset'
import { adaptationSettings } from './settings'
import { annotatorCost } from './annotator-cost'
import { checkpointActivations } from './rollback'

/** Every checkpoint of the project, oldest first: the learning curve's points. */
export function listCheckpoints(db: WriteDb): CheckpointSummary[] {
  const rows = db
    .prepare(
      'SELECT id, parent_id, status, tainted_reason, created_at, metrics, consent_snapshot FROM checkpoint ORDER BY id',
    )
    .all() as {
    id: number
    parent_id: number | null
    status: CheckpointSummary['status']
    tainted_reason: string | null
    created_at: string
    metrics: string
    consent_snapshot: string
  }[]
  return rows.map((r) => {
    const m = JSON.parse(r.metrics) as {
      trainUtterances?: number
      trainSec?: number
      correctedSec?: number
      dev?: DevScores | null
      parentDev?: DevScores | null
      inheritedScale?: number | null
      rateTrial?: RateTrialScore[]
    }
    const snapshot = JSON.parse(r.consent_snapshot) as { speakers?: unknown[] }
    return {
      id: r.id,
      parentId: r.parent_id,
      status: r.status,
      taintedReason: r.tainted_reason,
      createdAt: r.created_at,
      trainUtterances: m.trainUtterances ?? 0,
      trainSec: m.trainSec ?? 0,
      correctedSec: m.correctedSec ?? 0,
      dev: m.dev ?? null,
      parentDev: m.parentDev ?? null,
      speakers: snapshot.speakers?.length ?? 0,
      inheritedScale: m.inheritedScale ?? null,
      rateTrial: m.rateTrial ?? [],
    }
  })
}

/** Human corrections saved since the last training run started (or ever, before the first). */
export function correctionsSinceLastRun(db: WriteDb): number {
  return (
    db
      .prepare(
        `SELECT count(DISTINCT v.utterance_id) AS n FROM revision v
         WHERE ${annotatorText('v')}
           AND v.created_at > coalesce((SELECT max(started_at) FROM train_run), '')`,
      )
      .get() as { n: number }
  ).n
}

export function trainingRunning(db: WriteDb): boolean {
  return db.prepare("SELECT 1 FROM train_run WHERE status = 'running'").get() !== undefined
}

export function adaptationStatus(db: WriteDb, now = new Date().toISOString()): AdaptationStatus {
  const settings = adaptationSettings(db)
  const checkpoints = listCheckpoints(db)
  return {
    strategy: settings.strategy,
    autoTrainAfter: settings.autoTrainAfter,
    newCorrections: correctionsSinceLastRun(db),
    training: trainingRunning(db),
    activeCheckpoint: checkpoints.findLast((c) => c.status === 'active')?.id ?? null,
    checkpoints,
    activations: checkpointActivations(db),
    withoutTrainingConsent: labelledWithoutTrainingConsent(db, now),
    annotatorCost: annotatorCost(db),
    calibration: activeCalibration(db),
  }
}
