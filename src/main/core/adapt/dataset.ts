import type { WriteDb } from '../db/connection'
import { consentedSpeakers } from '../consent/policy'

export type Split = 'train' | 'dev' | 'test'

/** Shares of speakers per split; dev and test are speaker-disjoint from train and each other. */
export const splitTargets: Record<Split, number> = { train: 0.7, dev: 0.15, test: 0.15 }

/**
 * Gives every labelled speaker who has none yet a split, once and for good: speakers in the
 * order they were registered, each to the split furthest below its target share. The first two
 * speakers train; dev and test fill as speakers arrive (the third goes to dev). Only speakers who
 * consent to model training are assigned; utterance.split mirrors the speaker's split.
 */
export function assignSplits(
  db: WriteDb,
  now = new Date().toISOString(),
  /**
   * Exports name the speakers they contain (already filtered by the export's own consent scope),
   * so those without a split get one by the same rule; training leaves this out.
   */
  only?: { speakerIds: number[] },
): { speakerId: number; split: Split }[] {
  const training = consentedSpeakers('model_training', now)
  const counts: Record<Split, number> = { train: 0, dev: 0, test: 0 }
  for (const row of db
    .prepare('SELECT split, count(*) AS n FROM speaker_split GROUP BY split')
    .all() as {
    split: Split
    n: number
  }[])
    counts[row.split] = row.n
  const waiting = only
    ? [...new Set(only.speakerIds)]
        .sort((a, b) => a - b)
        .filter((id) => !db.prepare('SELECT 1 FROM speaker_split WHERE speaker_id = ?').get(id))
        .map((id) => ({ id }))
    : (db
        .prepare(
          `SELECT s.id FROM speaker s
       WHERE s.id NOT IN (SELECT speaker_id FROM speaker_split)
         AND s.id IN (${training.sql})
         AND EXISTS (SELECT 1 FROM utterance u JOIN revision v ON v.utterance_id = u.id
                     WHERE u.speaker_id = s.id AND u.merged_into IS NULL AND v.draft = 0
                       AND v.source_kind IN ('annotator', 'import'))
       ORDER BY s.id`,
        )
        .all(training.params) as { id: number }[])
  const insert = db.prepare(
    'INSERT INTO speaker_split (speaker_id, split, assigned_at) VALUES (?, ?, ?)',
  )
  const assigned: { speakerId: number; split: Split }[] = []
  db.transaction(() => {
    for (const { id } of waiting) {
      const total = counts.train + counts.dev + counts.test + 1
      const order: Split[] = ['train', 'dev', 'test']
      const split = order.reduce((best, s) =>
        splitTargets[s] * total - counts[s] > splitTargets[best] * total - counts[best] ? s : best,
      )
      counts[split]++
      insert.run(id, split, now)
      assigned.push({ speakerId: id, split })
    }
    db.prepare(
      `UPDATE utterance SET split = (SELECT split FROM speaker_split WHERE speaker_id = utterance.speaker_id)
       WHERE speaker_id IN (SELECT speaker_id FROM speaker_split)
         AND split IS NOT (SELECT split FROM speaker_split WHERE speaker_id = utterance.speaker_id)`,
    ).run()
  })()
  return assigned
}

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
 * The training pool's rows with `columns` more, `where` they hold: utterances (alias `u`) of
 * speakers with a split whose model-training consent holds at `now`, in recordings whose audio
 * is still here, the newest non-draft revision joined as `v` when `withRevision`.
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
      `SELECT u.id, u.speaker_id, r.sha256, u.start_sec, u.end_sec, ss.split, ${columns}
       FROM utterance u
       JOIN recording r ON r.id = u.recording_id AND r.purged_at IS NULL
       JOIN speaker_split ss ON ss.speaker_id = u.speaker_id
       ${withRevision ? 'JOIN revision v ON v.id = (SELECT max(id) FROM revision WHERE utterance_id = u.id AND draft = 0)' : ''}
       WHERE u.merged_into IS NULL AND ${where} AND u.speaker_id IN (${training.sql})
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
    "u.status NOT IN ('flagged', 'skipped') AND v.source_kind IN ('annotator', 'import')",
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
           AND EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.draft = 0 AND v.source_kind IN ('annotator', 'import'))
           AND (u.speaker_id IS NULL OR u.speaker_id NOT IN (${training.sql}))`,
      )
      .get(training.params) as { n: number }
  ).n
}
