import { rm } from 'node:fs/promises'
import { SautiError } from '../../../shared/errors'
import type { AudioWorkers } from '../audio/audio-workers'
import { insertRecording } from '../audio/importer'
import type { PreparedAudio } from '../audio/prepare'
import { ensureSpeaker } from '../consent/speakers'
import type { WriteDb } from '../db/connection'
import type { CorpusUtterance } from '../formats/corpus/model'
import type { ProjectPaths } from '../project/paths'
import { fittingWordTimes } from '../annotate/word-tier'
import { importTranscript, type MachineImport } from '../provenance/import-revision'
import { importTierText, tiersForImport } from '../tiers/import-text'
import type { ReadAnnotation } from './read-annotation'

export interface AnnotationContext {
  db: WriteDb
  paths: ProjectPaths
  workers: AudioWorkers
  /** The person importing says the files' transcripts are machine output to correct. */
  machine?: MachineImport | null
}

export interface CommittedAnnotation {
  recordings: number
  utterances: number
  speakers: number
  revisions: number
  /** Texts of the project's own tiers stored as new versions. */
  tierTexts: number
  notes: string[]
}

interface Audio {
  path: string
  /** The recording already in the project with this audio, if any. */
  existing: { id: number; durationSec: number } | null
  prepared: PreparedAudio | null
}

const durationOf = (a: Audio): number => a.existing?.durationSec ?? a.prepared?.durationSec ?? 0

/**
 * Brings one annotation file into the project, all or nothing: its audio goes through the same
 * import as any recording (hash, decode, caches; audio already in the project is reused), then
 * recordings, speakers, utterances and `import` revisions are written in one transaction. If any
 * audio fails, the transaction fails or `signal` aborts, the audio files this call created are
 * removed and no row is left. An utterance already in the project (same recording and bounds
 * within half a millisecond) gets a new revision only when its text differs and its newest
 * revision is not a person's (then the conflict is a note), so importing the same file twice
 * changes nothing. The file's project tiers (ELAN and Praat dependent tiers) go to the project's
 * tiers of the same name, which are added when missing, under the same rule (importTierText).
 */
export async function commitAnnotation(
  ctx: AnnotationContext,
  read: ReadAnnotation,
  control: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<CommittedAnnotation | null> {
  const { db } = ctx
  const bySha = db.prepare('SELECT id, duration_sec FROM recording WHERE sha256 = ?')
  const audio = new Map<string, Audio>()
  const bySha256 = new Map<string, Audio>()
  const created: string[] = []
  const cleanup = async (): Promise<void> => {
    await Promise.all(created.map((f) => rm(f, { force: true })))
  }
  try {
    const paths = [...new Set(read.audio.values())]
    for (const [i, path] of paths.entries()) {
      if (control.signal?.aborted) {
        await cleanup()
        return null
      }
      const { sha256 } = await ctx.workers.hash(path)
      const known = bySha256.get(sha256)
      if (known) {
        audio.set(path, known)
        continue
      }
      const row = bySha.get(sha256) as { id: number; duration_sec: number } | undefined
      let a: Audio
      if (row) a = { path, existing: { id: row.id, durationSec: row.duration_sec }, prepared: null }
      else {
        const prepared = await ctx.workers.prepare(path, ctx.paths, (f) =>
          control.onProgress?.((i + f) / paths.length),
        )
        created.push(...prepared.created)
        read.notes.push(...prepared.warnings)
        a = { path, existing: null, prepared }
      }
      bySha256.set(sha256, a)
      audio.set(path, a)
    }
    if (control.signal?.aborted) {
      await cleanup()
      return null
    }
    return writeRows(db, read, audio, ctx.machine ?? null)
  } catch (error) {
    await cleanup()
    if (error instanceof SautiError && error.message.startsWith(read.file)) throw error
    throw new SautiError(
      error instanceof SautiError ? error.kind : 'bad_input',
      `${read.file}: ${(error as Error).message}`,
      { file: read.file },
    )
  }
}

function writeRows(
  db: WriteDb,
  read: ReadAnnotation,
  audio: Map<string, Audio>,
  machine: MachineImport | null,
): CommittedAnnotation {
  const now = new Date().toISOString()
  const notes: string[] = [...read.notes]
  const audioOf = (recordingId: string): Audio => {
    const path = read.audio.get(recordingId)
    const a = path === undefined ? undefined : audio.get(path)
    if (!a) throw new SautiError('internal', `no audio for recording "${recordingId}"`)
    return a
  }
  // Times are checked against the audio before anything is written.
  const timed = new Map<CorpusUtterance, { start: number; end: number }>()
  for (const u of read.corpus.utterances) {
    const duration = durationOf(audioOf(u.recordingId))
    const start = u.untimed ? 0 : u.start
    let end = u.untimed ? duration : u.end
    if (!(start >= 0))
      throw new SautiError(
        'bad_input',
        `utterance "${u.id}" starts at ${start} s, before the start of its audio.`,
      )
    if (start >= duration)
      throw new SautiError(
        'bad_input',
        `utterance "${u.id}" starts at ${start} s, at or after the end of its audio (${duration.toFixed(3)} s).`,
      )
    if (end > duration) {
      notes.push(
        `utterance "${u.id}" ended ${(end - duration).toFixed(3)} s past its audio; cut to its end.`,
      )
      end = duration
    }
    timed.set(u, { start, end })
  }
  return db
    .transaction((): CommittedAnnotation => {
      const result: CommittedAnnotation = {
        recordings: 0,
        utterances: 0,
        speakers: 0,
        revisions: 0,
        tierTexts: 0,
        notes,
      }
      const speakerIds = new Map<string, number>()
      const countSpeakers = db.prepare('SELECT count(*) AS n FROM speaker')
      const before = (countSpeakers.get() as { n: number }).n
      for (const s of read.corpus.speakers)
        if (s.code)
          speakerIds.set(
            s.code,
            ensureSpeaker(
              db,
              {
                code: s.code,
                gender: s.gender,
                ageBand: s.ageBand,
                dialect: s.dialect,
                firstLanguage: s.firstLanguage,
              },
              now,
            ),
          )
      const speakerOf = (code: string | null): number | null =>
        code ? (speakerIds.get(code) ?? ensureSpeaker(db, { code }, now)) : null
      const recordingIds = new Map<Audio, number>()
      for (const r of read.corpus.recordings) {
        const a = audioOf(r.id)
        if (recordingIds.has(a)) continue
        if (a.existing) {
          recordingIds.set(a, a.existing.id)
          continue
        }
        const languages = [
          ...new Set(
            read.corpus.utterances
              .filter((u) => u.recordingId === r.id && u.language)
              .map((u) => u.language!),
          ),
        ]
        const source = { path: a.path, languages, speakerId: speakerOf(r.speaker) }
        const id = insertRecording(db, a.prepared!, source, now)
        recordingIds.set(a, id)
        result.recordings++
      }
      const projectTiers = tiersForImport(db, read.corpus.tiers ?? [], now, notes)
      const existing = db.prepare(
        `SELECT id, start_sec, end_sec, speaker_id, language FROM utterance
       WHERE recording_id = ? AND merged_into IS NULL AND abs(start_sec - ?) < 0.0005 AND abs(end_sec - ?) < 0.0005`,
      )
      const insert = db.prepare(
        `INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, language, status, created_at)
       VALUES (?, ?, ?, ?, ?, 'new', ?)`,
      )
      for (const u of read.corpus.utterances) {
        const { start, end } = timed.get(u)!
        const recordingId = recordingIds.get(audioOf(u.recordingId))!
        const speakerId = speakerOf(u.speaker)
        const found = existing.get(recordingId, start, end) as
          | {
              id: number
              start_sec: number
              end_sec: number
              speaker_id: number | null
              language: string | null
            }
          | undefined
        let utteranceId: number
        if (found) {
          utteranceId = found.id
          db.prepare(
            'UPDATE utterance SET speaker_id = coalesce(speaker_id, ?), language = coalesce(language, ?) WHERE id = ?',
          ).run(speakerId, u.language, found.id)
        } else {
          utteranceId = Number(
            insert.run(recordingId, start, end, speakerId, u.language, now).lastInsertRowid,
          )
          result.utterances++
        }
        // A changed text becomes a new import revision, never one over a person's (docs/formats.md).
        const imported = importTranscript(db, {
          utteranceId,
          text: u.text,
          spans: u.spans,
          wordTimes: fittingWordTimes(u.text, u.words, { startSec: start, endSec: end }),
          ref: `${read.file}#${u.id}`,
          createdAt: now,
          machine,
        })
        if (imported.outcome === 'added') result.revisions++
        if (imported.outcome === 'conflict') notes.push(`utterance "${u.id}": ${imported.message}`)
        const bounds = found ? { start: found.start_sec, end: found.end_sec } : { start, end }
        for (const text of u.tiers ?? []) {
          const tier = projectTiers.get(text.tier)
          if (!tier)
            throw new SautiError('internal', `tier "${text.tier}" is not in the file's list`)
          // Inside the utterance as stored: its end may have been cut to the audio's.
          const intervals = text.intervals
            .map((i) => ({
              ...i,
              start: Math.max(i.start, bounds.start),
              end: Math.min(i.end, bounds.end),
            }))
            .filter((i) => i.end > i.start || tier.kind === 'utterance')
          if (intervals.length < text.intervals.length)
            notes.push(
              `utterance "${u.id}": ${text.intervals.length - intervals.length} interval(s) of tier "${tier.name}" lay past the end of its audio and were left out.`,
            )
          if (!intervals.length) continue
          const stored = importTierText(db, {
            tier,
            utteranceId,
            intervals,
            ref: `${read.file}#${u.id}`,
            createdAt: now,
          })
          if (stored.outcome === 'added') result.tierTexts++
          if (stored.outcome === 'conflict') notes.push(`utterance "${u.id}": ${stored.message}`)
        }
      }
      result.speakers = (countSpeakers.get() as { n: number }).n - before
      return result
    })
    .immediate()
}
