import type { Db } from '../db/connection'
import { consentedSpeakers } from '../annotate/consent'

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
  db: Db,
  now = new Date().toISOString(),
  /**
   * Exports name the speakers they contain (already filtered by the export's own consent scope),
   * so those without a split get one by the same rule; training leaves this out.
   */
  only?: { speakerIds: number[] },
): { speakerId: number; split: Split }[] {
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
         AND s.id IN (${consentedSpeakers('model_training')})
         AND EXISTS (SELECT 1 FROM utterance u JOIN revision v ON v.utterance_id = u.id
                     WHERE u.speaker_id = s.id AND u.merged_into IS NULL AND v.draft = 0
                       AND v.source_kind IN ('annotator', 'import'))
       ORDER BY s.id`,
        )
        .all({ now }) as { id: number }[])
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

/**
 * What training may use at `now`: each utterance's newest transcript written by a person or
 * imported (never a model's, never a draft), from speakers whose model-training consent holds
 * and who have a split. Flagged, skipped and merged utterances are left out.
 */
export function labelledUtterances(db: Db, now = new Date().toISOString()): LabelledUtterance[] {
  const rows = db
    .prepare(
      `SELECT u.id, u.speaker_id, r.sha256, u.start_sec, u.end_sec, v.id AS revision_id, v.text, v.source_kind, ss.split
       FROM utterance u
       JOIN recording r ON r.id = u.recording_id AND r.purged_at IS NULL
       JOIN speaker_split ss ON ss.speaker_id = u.speaker_id
       JOIN revision v ON v.id = (SELECT max(id) FROM revision WHERE utterance_id = u.id AND draft = 0)
       WHERE u.merged_into IS NULL AND u.status NOT IN ('flagged', 'skipped')
         AND v.source_kind IN ('annotator', 'import')
         AND u.speaker_id IN (${consentedSpeakers('model_training')})
       ORDER BY u.id`,
    )
    .all({ now }) as {
    id: number
    speaker_id: number
    sha256: string
    start_sec: number
    end_sec: number
    revision_id: number
    text: string
    source_kind: 'annotator' | 'import'
    split: Split
  }[]
  return rows.map((r) => ({
    utteranceId: r.id,
    speakerId: r.speaker_id,
    recordingSha256: r.sha256,
    startSec: r.start_sec,
    endSec: r.end_sec,
    revisionId: r.revision_id,
    text: r.text,
    source: r.source_kind,
    split: r.split,
  }))
}

/**
 * Utterances an annotator flagged instead of transcribing (noise, another language, overlap,
 * unintelligible), from speakers with a split whose model-training consent holds. Training never
 * uses them; the simulation counts the time spent listening to them (simulation.ts).
 */
export function flaggedUtterances(
  db: Db,
  now = new Date().toISOString(),
): (Pick<
  LabelledUtterance,
  'utteranceId' | 'speakerId' | 'recordingSha256' | 'startSec' | 'endSec' | 'split'
> & {
  reason: string | null
})[] {
  const rows = db
    .prepare(
      `SELECT u.id, u.speaker_id, r.sha256, u.start_sec, u.end_sec, u.flag_reason, ss.split
       FROM utterance u
       JOIN recording r ON r.id = u.recording_id AND r.purged_at IS NULL
       JOIN speaker_split ss ON ss.speaker_id = u.speaker_id
       WHERE u.merged_into IS NULL AND u.status = 'flagged'
         AND u.speaker_id IN (${consentedSpeakers('model_training')})
       ORDER BY u.id`,
    )
    .all({ now }) as {
    id: number
    speaker_id: number
    sha256: string
    start_sec: number
    end_sec: number
    flag_reason: string | null
    split: Split
  }[]
  return rows.map((r) => ({
    utteranceId: r.id,
    speakerId: r.speaker_id,
    recordingSha256: r.sha256,
    startSec: r.start_sec,
    endSec: r.end_sec,
    split: r.split,
    reason: r.flag_reason,
  }))
}

/** Labelled utterances that training leaves out because their speaker's consent does not cover it. */
export function labelledWithoutTrainingConsent(db: Db, now = new Date().toISOString()): number {
  return (
    db
      .prepare(
        `SELECT count(*) AS n FROM utterance u
         WHERE u.merged_into IS NULL
           AND EXISTS (SELECT 1 FROM revision v WHERE v.utterance_id = u.id AND v.draft = 0 AND v.source_kind IN ('annotator', 'import'))
           AND (u.speaker_id IS NULL OR u.speaker_id NOT IN (${consentedSpeakers('model_training')}))`,
      )
      .get({ now }) as { n: number }
  ).n
}

/**
 * The consent each training speaker had when a checkpoint was made: which record allowed it,
 * granted when and until when. Stored with the checkpoint.
 */
export function trainingConsentSnapshot(
  db: Db,
  speakerIds: number[],
  now: string,
): { at: string; scope: 'model_training'; speakers: Record<string, unknown>[] } {
  const stmt = db.prepare(
    `SELECT s.code, c.id, c.granted_at, c.expires_at FROM consent c JOIN speaker s ON s.id = c.speaker_id
     WHERE c.speaker_id = ? AND c.scope = 'model_training' AND c.withdrawn_at IS NULL
       AND c.granted_at <= ? AND (c.expires_at IS NULL OR c.expires_at > ?)
     ORDER BY c.granted_at DESC LIMIT 1`,
  )
  const speakers = [...new Set(speakerIds)]
    .sort((a, b) => a - b)
    .map((id) => {
      const c = stmt.get(id, now, now) as
        { code: string; id: number; granted_at: string; expires_at: string | null } | undefined
      return {
        speakerId: id,
        code: c?.code ?? null,
        consentId: c?.id ?? null,
        grantedAt: c?.granted_at ?? null,
        expiresAt: c?.expires_at ?? null,
      }
    })
  return { at: now, scope: 'model_training', speakers }
}
