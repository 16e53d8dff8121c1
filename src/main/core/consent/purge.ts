import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readdir, rm, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { AudioFormat, PurgeRecord } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import type { WriteDb } from '../db/connection'
import { originalPath, peaksPath, pcmPath, type ProjectPaths } from '../project/paths'
import { getSpeaker } from './registry'
import { requireLead } from './roles'
import { withdrawConsent } from './withdraw'

interface RecordingRow {
  id: number
  sha256: string
  format: AudioFormat
  original_name: string
  duration_sec: number
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** The files of a recording's audio in the project: original, 16 kHz cache, peaks, hidden states. */
async function audioFiles(paths: ProjectPaths, r: RecordingRow, utteranceIds: number[]) {
  const files = [
    originalPath(paths, r.sha256, r.format),
    pcmPath(paths, r.sha256),
    peaksPath(paths, r.sha256),
  ]
  const hiddenRoot = join(paths.root, 'cache', 'hidden')
  const prefixes = utteranceIds.map((id) => `${id}_`)
  for (const model of await readdir(hiddenRoot).catch(() => [] as string[]))
    for (const name of await readdir(join(hiddenRoot, model)).catch(() => [] as string[]))
      if (name.endsWith('.f16') && prefixes.some((p) => name.startsWith(p)))
        files.push(join(hiddenRoot, model, name))
  const present: string[] = []
  for (const f of files) if ((await stat(f).catch(() => null))?.isFile()) present.push(f)
  return present
}

/**
 * Deletes a speaker's audio from the project at their request: originals, the 16 kHz cache,
 * waveform peaks and cached encoder states of every recording they are heard in, and the
 * acquisition embeddings computed from it. All their consent is withdrawn in the same step (a
 * purge is the strongest withdrawal). Rows stay, marked `purged_at`, so revisions and the audit
 * trail still resolve; the `purge` row records who, when, why and the sha256 of every deleted
 * file, never the audio. Recordings in which other speakers are heard too are kept unless
 * `includeShared`: deleting them would take others' data, which a lead must decide.
 */
export async function purgeSpeakerAudio(
  db: WriteDb,
  paths: ProjectPaths,
  input: { actorId: number; speakerId: number; reason: string; includeShared: boolean },
  now = new Date().toISOString(),
): Promise<PurgeRecord> {
  const lead = requireLead(db, input.actorId, 'purgeAudio')
  const speaker = getSpeaker(db, input.speakerId)
  const recordings = db
    .prepare(
      `SELECT id, sha256, format, original_name, duration_sec FROM recording
       WHERE speaker_id = ? OR id IN (SELECT recording_id FROM utterance WHERE speaker_id = ?)
       ORDER BY id`,
    )
    .all(speaker.id, speaker.id) as RecordingRow[]
  const others = db.prepare(
    `SELECT DISTINCT coalesce(s.code, '(no speaker)') AS code FROM utterance u
     LEFT JOIN speaker s ON s.id = u.speaker_id
     WHERE u.recording_id = ? AND u.speaker_id IS NOT ?
     UNION SELECT s.code FROM recording r JOIN speaker s ON s.id = r.speaker_id
     WHERE r.id = ? AND r.speaker_id <> ?`,
  )
  const utterancesOf = db.prepare('SELECT id FROM utterance WHERE recording_id = ?')
  const purged: { row: RecordingRow; utterances: number[]; files: string[] }[] = []
  const keptShared: PurgeRecord['keptShared'] = []
  for (const r of recordings) {
    const otherSpeakers = (
      others.all(r.id, speaker.id, r.id, speaker.id) as { code: string }[]
    ).map((o) => o.code)
    if (otherSpeakers.length > 0 && !input.includeShared) {
      keptShared.push({ recordingId: r.id, otherSpeakers })
      continue
    }
    const utterances = (utterancesOf.all(r.id) as { id: number }[]).map((u) => u.id)
    purged.push({ row: r, utterances, files: await audioFiles(paths, r, utterances) })
  }
  const files: PurgeRecord['files'] = []
  for (const p of purged)
    for (const f of p.files)
      files.push({ path: relative(paths.root, f), sha256: await sha256Of(f) })
  const summary = purged.map((p) => ({
    id: p.row.id,
    sha256: p.row.sha256,
    originalName: p.row.original_name,
    durationSec: p.row.duration_sec,
  }))
  const purgeId = db
    .transaction(() => {
      withdrawConsent(db, speaker.id, 'all', now, lead.id)
      const mark = db.prepare(
        'UPDATE recording SET purged_at = coalesce(purged_at, ?) WHERE id = ?',
      )
      const forget = db.prepare('DELETE FROM acquisition WHERE utterance_id = ?')
      for (const p of purged) {
        mark.run(now, p.row.id)
        for (const u of p.utterances) forget.run(u)
      }
      return Number(
        db
          .prepare(
            `INSERT INTO purge (speaker_id, purged_by, reason, recordings, files, purged_at)
           VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(
            speaker.id,
            lead.id,
            input.reason,
            JSON.stringify(summary),
            JSON.stringify(files),
            now,
          ).lastInsertRowid,
      )
    })
    .immediate()
  // The rows say "purged" before the files go: if a deletion fails, the app already treats the
  // audio as gone, and purging again removes what is left.
  const failed: string[] = []
  for (const p of purged)
    for (const f of p.files) await rm(f, { force: true }).catch(() => failed.push(f))
  if (failed.length)
    throw SautiError.saying('store', 'purgeIncomplete', { id: purgeId, files: failed.join(', ') })
  return { ...listPurges(db, purgeId)[0]!, keptShared }
}

interface PurgeRow {
  id: number
  speaker_id: number
  code: string
  purged_by: string
  purged_at: string
  reason: string
  recordings: string
  files: string
}

/** The purge audit records, newest first (or one of them). */
export function listPurges(db: WriteDb, id: number | null = null): PurgeRecord[] {
  const rows = db
    .prepare(
      `SELECT p.id, p.speaker_id, s.code, a.name AS purged_by, p.purged_at, p.reason, p.recordings, p.files
       FROM purge p JOIN speaker s ON s.id = p.speaker_id JOIN annotator a ON a.id = p.purged_by
       WHERE ? IS NULL OR p.id = ? ORDER BY p.id DESC`,
    )
    .all(id, id) as PurgeRow[]
  return rows.map((r) => ({
    id: r.id,
    speakerId: r.speaker_id,
    speakerCode: r.code,
    purgedBy: r.purged_by,
    purgedAt: r.purged_at,
    reason: r.reason,
    recordings: JSON.parse(r.recordings) as PurgeRecord['recordings'],
    files: JSON.parse(r.files) as PurgeRecord['files'],
    keptShared: [],
  }))
}

/** Refuses work on a recording whose audio was purged, with a message that says so. */
export function assertNotPurged(db: WriteDb, recordingId: number): void {
  const row = db.prepare('SELECT purged_at FROM recording WHERE id = ?').get(recordingId) as
    { purged_at: string | null } | undefined
  if (row?.purged_at)
    throw SautiError.saying(
      'not_found',
      'audioPurged',
      { id: recordingId, date: row.purged_at },
      { recordingId, purgedAt: row.purged_at },
    )
}
