import type { WriteDb } from '../db/connection'
import { consentedSpeakers } from '../consent/policy'
import { hasHumanText, newestHumanText } from '../provenance/human-text'

export { assignSplits, type Split } from './splits'
import type { Split } from './splits'

/** An utterance with a human (or imported) transcript that may be used for model training. */
export interface LabelledUtterance {
  utteranceId: number
  speakerId: number
  recordingSha256: string
  startSec: number
  endSec: number
  revisionId: number
  text: string
  source: 'annotator' | 'import'
  split: Split
}

/** The columns every row of the training pool has: its audio, its speaker, their split. */
interface PoolRow {
  id: number
  speaker_id: number
  sha256: string
  start_sec: number
  end_sec: number
  split: Split
}

/**
 * The training pool's rows with `columns` more, `where` they hold: utterances (alias `u`) with a
 * split (their speaker's or their stretch of recording's, splits.ts), whose speaker's
 * model-training consent holds at `now`, in recordings whose audio
 * is still here, the newest person's transcript joined as `v` when `withRevision`.
 */
function poolRows<R>(
  db: WriteDb,
  now: string,
  columns: string,
  where: string,
  withRevision = false,
): (PoolRow & R)[] {
  const training = consentedSpeakers('model_training', now)
  return db
    .prepare(
      `SELECT u.id, u.speaker_id, r.sha256, u.start_sec, u.end_sec, u.split, ${columns}
       FROM utterance u
       JOIN recording r ON r.id = u.recording_id AND r.purged_at IS NULL
       ${withRevision ? `JOIN revision v ON v.id = ${newestHumanText('u.id')}` : ''}
       WHERE u.merged_into IS NULL AND u.split IS NOT NULL AND ${where}
         AND u.speaker_id IN (${training.sql})
       ORDER BY u.id`,
    )
    .all(training.params) as (PoolRow & R)[]
}

function poolFields(
  r: PoolRow,
): Pick<
  LabelledUtterance,
  'utteranceId' | 'speakerId' | 'recordingSha256' | 'startSec' | 'endSec' | 'split'
> {
  return {
    utteranceId: r.id,
    speakerId: r.speaker_id,
    recordingSha256: r.sha256,
    startSec: r.start_sec,
    endSec: r.end_sec,
    split: r.split,
  }
}

/**
 * What training may use at `now`: each utterance's newest transcript written by a person or
 * imported (never a model's, never a draft), from speakers whose model-training consent holds
 * and who have a split. Flagged, skipped and merged utterances are left out.
 */
export function labelledUtterances(
  db: WriteDb,
  now = new Date().toISOString(),
): LabelledUtterance[] {
  return poolRows<{ revision_id: number; text: string; source_kind: 'annotator' | 'import' }>(
    db,
    now,
    'v.id AS revision_id, v.text, v.source_kind',
    "u.status NOT IN ('flagged', 'skipped')",
    true,
  ).map((r) => ({
    ...poolFields(r),
    revisionId: r.revision_id,
    text: r.text,
    source: r.source_kind,
  }))
}

/**
 * Utterances an annotator flagged instead of transcribing (noise, another language, overlap,
 * unintelligible), from speakers with a split whose model-training consent holds. Training never
 * uses them; the simulation counts the time spent listening to them (simulation.ts).
 */
export function flaggedUtterances(
  db: WriteDb,
  now = new Date().toISOString(),
): (ReturnType<typeof poolFields> & { reason: string | null })[] {
  return poolRows<{ flag_reason: string | null }>(
    db,
    now,
    'u.flag_reason',
    "u.status = 'flagged'",
  ).map((r) => ({ ...poolFields(r), reason: r.flag_reason }))
}

/** Labelled utterances that training leaves out because their speaker's consent does not cover it. */
export function labelledWithoutTrainingConsent(
  db: WriteDb,
  now = new Date().toISOString(),
): number {
  const training = consentedSpeakers('model_training', now)
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM utterance u
         WHERE u.merged_into IS NULL
           AND ${hasHumanText('u.id')}
           AND (u.speaker_id IS NULL OR u.speaker_id NOT IN (${training.sql}))`,
      )
      .get(training.params) as { n: number }
  ).n
}
