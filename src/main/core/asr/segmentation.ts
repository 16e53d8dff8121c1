/** The first step of labelling: recordings imported whole are cut into utterances at speech. */
import { join } from 'node:path'
import type { WriteDb } from '../db/connection'
import type { WorkControl } from '../jobs'
import type { ProjectPaths } from '../project/paths'
import type { InferenceWorkers } from './inference-workers'
import { defaultVadOptions } from './vad-segments'

/** What segmenting needs: the project, its decoded audio, the workers and the VAD model. */
export interface SegmentContext {
  db: WriteDb
  paths: ProjectPaths
  workers: InferenceWorkers
  /** Silero VAD v5 (models/vad), for recordings not yet cut into utterances. */
  vadModel: string
}

/**
 * Cuts every unsegmented recording (one imported whole, longer than a clip) into utterances at
 * the speech the VAD finds. One transaction per recording: it is segmented whole or not at all.
 */
export async function segmentRecordings(
  ctx: SegmentContext,
  control: WorkControl = {},
): Promise<{ recordings: number; utterances: number }> {
  const { db } = ctx
  const pending = db
    .prepare(
      'SELECT r.id, r.sha256, r.duration_sec, r.languages, r.speaker_id FROM recording r WHERE NOT EXISTS (SELECT 1 FROM utterance u WHERE u.recording_id = r.id) ORDER BY r.id',
    )
    .all() as {
    id: number
    sha256: string
    duration_sec: number
    languages: string
    speaker_id: number | null
  }[]
  // A long recording's speaker (from the manifest) is every segment's speaker.
  const insert = db.prepare(
    `INSERT INTO utterance (recording_id, start_sec, end_sec, speaker_id, language, status, created_at) VALUES (?, ?, ?, ?, ?, 'new', ?)`,
  )
  let utterances = 0
  for (const [index, recording] of pending.entries()) {
    if (control.signal?.aborted) break
    const segments = await ctx.workers.segment(
      ctx.vadModel,
      join(ctx.paths.pcmDir, `${recording.sha256}.f32`),
      recording.duration_sec,
      defaultVadOptions,
      (f) =>
        control.onProgress?.(
          index + f,
          pending.length,
          `Finding speech in recording ${recording.id}`,
        ),
    )
    const languages = JSON.parse(recording.languages) as string[]
    const language = languages.length === 1 ? languages[0]! : null
    const now = new Date().toISOString()
    db.transaction(() => {
      for (const s of segments)
        insert.run(recording.id, s.startSec, s.endSec, recording.speaker_id, language, now)
    }).immediate()
    utterances += segments.length
  }
  return { recordings: pending.length, utterances }
}
