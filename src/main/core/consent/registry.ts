import type { Speaker, SpeakerGender, Split } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import { hasHumanText } from '../provenance/human-text'
import { speakerConsent, speakersConsent, type ConsentStates } from './policy'
import { ensureSpeaker } from './speakers'

interface SpeakerRow {
  id: number
  code: string
  age_band: string | null
  gender: SpeakerGender | null
  dialect: string | null
  first_language: string | null
  other_languages: string
  notes: string
  merged_into: number | null
  created_at: string
  split: Split | null
  recordings: number
  utterances: number
  transcribed: number
  duration_sec: number
  purged: number
}

const speakerQuery = `
  SELECT s.id, s.code, s.age_band, s.gender, s.dialect, s.first_language, s.other_languages,
         s.notes, s.merged_into, s.created_at, ss.split,
         (SELECT count(DISTINCT r.id) FROM recording r
            WHERE r.speaker_id = s.id
               OR r.id IN (SELECT recording_id FROM utterance WHERE speaker_id = s.id AND merged_into IS NULL)) AS recordings,
         (SELECT count(*) FROM utterance u WHERE u.speaker_id = s.id AND u.merged_into IS NULL) AS utterances,
         (SELECT count(*) FROM utterance u WHERE u.speaker_id = s.id AND u.merged_into IS NULL
            AND ${hasHumanText('u.id')}) AS transcribed,
         (SELECT coalesce(sum(u.end_sec - u.start_sec), 0) FROM utterance u
            WHERE u.speaker_id = s.id AND u.merged_into IS NULL) AS duration_sec,
         (SELECT count(*) FROM recording r WHERE r.purged_at IS NOT NULL AND (r.speaker_id = s.id
            OR r.id IN (SELECT recording_id FROM utterance WHERE speaker_id = s.id))) AS purged
  FROM speaker s LEFT JOIN speaker_split ss ON ss.speaker_id = s.id`

function toSpeaker(row: SpeakerRow, consent: ConsentStates): Speaker {
  return {
    id: row.id,
    code: row.code,
    ageBand: row.age_band,
    gender: row.gender,
    dialect: row.dialect,
    firstLanguage: row.first_language,
    otherLanguages: JSON.parse(row.other_languages) as string[],
    notes: row.notes,
    mergedInto: row.merged_into,
    createdAt: row.created_at,
    recordings: row.recordings,
    utterances: row.utterances,
    transcribed: row.transcribed,
    durationSec: row.duration_sec,
    split: row.split,
    consent,
    purgedRecordings: row.purged,
  }
}

/** The registry: every speaker (merged duplicates last, marked) with counts and consent now. */
export function listSpeakers(db: WriteDb, now = new Date().toISOString()): Speaker[] {
  const rows = db
    .prepare(`${speakerQuery} ORDER BY s.merged_into IS NOT NULL, s.code`)
    .all() as SpeakerRow[]
  const consentOf = speakersConsent(db, now)
  return rows.map((r) => toSpeaker(r, consentOf(r.id)))
}

export function getSpeaker(db: WriteDb, id: number, now = new Date().toISOString()): Speaker {
  const row = db.prepare(`${speakerQuery} WHERE s.id = ?`).get(id) as SpeakerRow | undefined
  if (!row) throw SautiError.saying('not_found', 'noSpeaker', { id })
  return toSpeaker(row, speakerConsent(db, id, now))
}

export interface SpeakerFields {
  code?: string
  ageBand?: string | null
  gender?: SpeakerGender | null
  dialect?: string | null
  firstLanguage?: string | null
  otherLanguages?: string[]
  notes?: string
}

const codeTaken = (db: WriteDb, code: string, except = 0): boolean =>
  !!db.prepare('SELECT 1 FROM speaker WHERE code = ? AND id <> ?').get(code, except)

export function createSpeaker(db: WriteDb, fields: SpeakerFields & { code: string }): Speaker {
  if (codeTaken(db, fields.code))
    throw SautiError.saying('conflict', 'speakerCodeTaken', { code: fields.code })
  return getSpeaker(db, ensureSpeaker(db, fields))
}

/** Changes a speaker's metadata; only the fields given. */
export function updateSpeaker(db: WriteDb, id: number, fields: SpeakerFields): Speaker {
  const current = getSpeaker(db, id)
  if (current.mergedInto !== null)
    throw SautiError.saying('conflict', 'speakerMergedEdit', {
      code: current.code,
      into: current.mergedInto,
    })
  if (fields.code !== undefined && codeTaken(db, fields.code, id))
    throw SautiError.saying('conflict', 'speakerCodeTaken', { code: fields.code })
  db.prepare(
    `UPDATE speaker SET code = ?, age_band = ?, gender = ?, dialect = ?, first_language = ?,
            other_languages = ?, notes = ? WHERE id = ?`,
  ).run(
    fields.code ?? current.code,
    fields.ageBand !== undefined ? fields.ageBand : current.ageBand,
    fields.gender !== undefined ? fields.gender : current.gender,
    fields.dialect !== undefined ? fields.dialect : current.dialect,
    fields.firstLanguage !== undefined ? fields.firstLanguage : current.firstLanguage,
    JSON.stringify(fields.otherLanguages ?? current.otherLanguages),
    fields.notes ?? current.notes,
    id,
  )
  return getSpeaker(db, id)
}

/** Keeps utterance.split the mirror of the speaker's split (training and export read it). */
function mirrorSplit(db: WriteDb, speakerId: number): void {
  db.prepare(
    `UPDATE utterance SET split = (SELECT split FROM speaker_split WHERE speaker_id = ?)
     WHERE speaker_id = ?`,
  ).run(speakerId, speakerId)
}

/**
 * Merges a duplicate into the speaker it duplicates: recordings, utterances and consent records
 * move to the target, the source stays as a marked entry (merged_into) so old references and the
 * audit trail still resolve. The target keeps its split; it inherits the source's only when it
 * has none, so a dev or test speaker never becomes a training one by a merge.
 */
export function mergeSpeakers(db: WriteDb, sourceId: number, targetId: number): Speaker {
  if (sourceId === targetId) throw SautiError.saying('validation', 'speakerSelfMerge', {})
  const source = getSpeaker(db, sourceId)
  const target = getSpeaker(db, targetId)
  for (const s of [source, target])
    if (s.mergedInto !== null)
      throw SautiError.saying('conflict', 'speakerMergedAlready', {
        code: s.code,
        into: s.mergedInto,
      })
  db.transaction(() => {
    db.prepare('UPDATE recording SET speaker_id = ? WHERE speaker_id = ?').run(targetId, sourceId)
    db.prepare('UPDATE utterance SET speaker_id = ? WHERE speaker_id = ?').run(targetId, sourceId)
    db.prepare('UPDATE consent SET speaker_id = ? WHERE speaker_id = ?').run(targetId, sourceId)
    if (target.split === null && source.split !== null)
      db.prepare('UPDATE speaker_split SET speaker_id = ? WHERE speaker_id = ?').run(
        targetId,
        sourceId,
      )
    else db.prepare('DELETE FROM speaker_split WHERE speaker_id = ?').run(sourceId)
    db.prepare('UPDATE speaker SET merged_into = ? WHERE id = ?').run(targetId, sourceId)
    mirrorSplit(db, targetId)
  }).immediate()
  return getSpeaker(db, targetId)
}

/**
 * Says who speaks in recordings (the recording and every utterance in it) and single utterances.
 * Returns how many rows changed. Utterances follow the speaker's split.
 */
export function assignSpeaker(
  db: WriteDb,
  speakerId: number,
  target: { recordingIds: number[]; utteranceIds: number[] },
): { recordings: number; utterances: number } {
  const speaker = getSpeaker(db, speakerId)
  if (speaker.mergedInto !== null)
    throw SautiError.saying('conflict', 'speakerMergedAssign', {
      code: speaker.code,
      into: speaker.mergedInto,
    })
  const missing = (table: 'recording' | 'utterance', ids: number[]): number[] => {
    const exists = db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`)
    return ids.filter((id) => !exists.get(id))
  }
  for (const [table, ids] of [
    ['recording', target.recordingIds],
    ['utterance', target.utteranceIds],
  ] as const) {
    const absent = missing(table, ids)
    if (absent.length)
      throw SautiError.saying('not_found', table === 'recording' ? 'noRecording' : 'noUtterance', {
        id: absent.join(', '),
      })
  }
  return db
    .transaction(() => {
      let recordings = 0
      let utterances = 0
      for (const id of target.recordingIds) {
        recordings += db
          .prepare('UPDATE recording SET speaker_id = ? WHERE id = ?')
          .run(speakerId, id).changes
        utterances += db
          .prepare('UPDATE utterance SET speaker_id = ? WHERE recording_id = ?')
          .run(speakerId, id).changes
      }
      for (const id of target.utteranceIds)
        utterances += db
          .prepare('UPDATE utterance SET speaker_id = ? WHERE id = ?')
          .run(speakerId, id).changes
      mirrorSplit(db, speakerId)
      return { recordings, utterances }
    })
    .immediate()
}
