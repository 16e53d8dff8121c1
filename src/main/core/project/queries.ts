import type {
  Page,
  ProjectRef,
  ProjectSummary,
  Recording,
  Utterance,
  UtterancePlace,
} from '../../../shared/domain'
import { isMachineImport } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { defaultLanguage } from '../annotate/annotators'
import { prefillSetting } from '../annotate/prefill'
import { fitsSpanSql } from '../asr/decoded-span'
import { referenceReader } from '../asr/head-output'
import type { WriteDb } from '../db/connection'
import { humanText } from '../provenance/human-text'

interface RecordingRow {
  id: number
  sha256: string
  original_name: string
  format: Recording['format']
  duration_sec: number
  sample_rate: number
  channels: number
  bit_depth: number | null
  languages: string
  imported_at: string
  utterance_count: number
  speaker_codes: string
}

const recordingSelect = `
  SELECT r.id, r.sha256, r.original_name, r.format, r.duration_sec, r.sample_rate, r.channels, r.bit_depth,
         r.languages, r.imported_at,
         (SELECT count(*) FROM utterance u WHERE u.recording_id = r.id AND u.merged_into IS NULL) AS utterance_count,
         (SELECT json_group_array(DISTINCT s.code) FROM utterance u JOIN speaker s ON s.id = u.speaker_id
          WHERE u.recording_id = r.id AND u.merged_into IS NULL) AS speaker_codes
  FROM recording r`

function toRecording(r: RecordingRow): Recording {
  return {
    id: r.id,
    sha256: r.sha256,
    originalName: r.original_name,
    format: r.format,
    durationSec: r.duration_sec,
    sampleRate: r.sample_rate,
    channels: r.channels,
    bitDepth: r.bit_depth,
    languages: JSON.parse(r.languages) as string[],
    utteranceCount: r.utterance_count,
    speakers: (JSON.parse(r.speaker_codes) as string[]).sort(),
    importedAt: r.imported_at,
  }
}

export function projectSummary(db: WriteDb, ref: ProjectRef): ProjectSummary {
  const counts = db
    .prepare(
      `SELECT (SELECT count(*) FROM recording) AS recordings,
              (SELECT coalesce(sum(duration_sec), 0) FROM recording) AS duration,
              (SELECT count(*) FROM utterance WHERE merged_into IS NULL) AS utterances,
              (SELECT count(DISTINCT v.utterance_id) FROM revision v JOIN utterance u ON u.id = v.utterance_id
                WHERE ${humanText('v')} AND u.merged_into IS NULL) AS transcribed,
              (SELECT count(*) FROM utterance WHERE merged_into IS NULL AND status IN ('corrected', 'reviewed')) AS corrected,
              (SELECT coalesce(sum(end_sec - start_sec), 0) FROM utterance
                WHERE merged_into IS NULL AND status IN ('corrected', 'reviewed')) AS corrected_duration,
              (SELECT language FROM utterance WHERE language IS NOT NULL
                GROUP BY language ORDER BY count(*) DESC, language LIMIT 1) AS common_language,
              (SELECT count(*) FROM speaker WHERE merged_into IS NULL) AS speakers`,
    )
    .get() as {
    recordings: number
    duration: number
    utterances: number
    transcribed: number
    corrected: number
    corrected_duration: number
    common_language: string | null
    speakers: number
  }
  const languages = (
    db
      .prepare(
        `SELECT DISTINCT value FROM (
           SELECT language AS value FROM utterance WHERE language IS NOT NULL
           UNION SELECT j.value FROM recording, json_each(recording.languages) j)
         ORDER BY value`,
      )
      .all() as { value: string }[]
  ).map((r) => r.value)
  return {
    ...ref,
    recordingCount: counts.recordings,
    utteranceCount: counts.utterances,
    transcribedCount: counts.transcribed,
    speakerCount: counts.speakers,
    totalDurationSec: counts.duration,
    languages,
    correctedCount: counts.corrected,
    correctedDurationSec: counts.corrected_duration,
    defaultLanguage: defaultLanguage(db) ?? counts.common_language,
    prefill: prefillSetting(db),
  }
}

export function listRecordings(db: WriteDb, offset: number, limit: number): Page<Recording> {
  const total = (db.prepare('SELECT count(*) AS n FROM recording').get() as { n: number }).n
  const rows = db
    .prepare(`${recordingSelect} ORDER BY r.id LIMIT ? OFFSET ?`)
    .all(limit, offset) as RecordingRow[]
  return { total, offset, items: rows.map(toRecording) }
}

export function getRecording(db: WriteDb, id: number): Recording {
  const row = db.prepare(`${recordingSelect} WHERE r.id = ?`).get(id) as RecordingRow | undefined
  if (!row) throw SautiError.saying('not_found', 'noRecording', { id })
  return toRecording(row)
}

/** The columns every utterance query selects (utterance joined with recording and speaker). */
export interface UtteranceBaseRow {
  id: number
  recording_id: number
  original_name: string
  start_sec: number
  end_sec: number
  speaker_code: string | null
  language: string | null
  status: Utterance['status']
}

interface UtteranceRow extends UtteranceBaseRow {
  text: string | null
  source_kind: NonNullable<Utterance['textSource']> | null
  draft: number | null
  machine_system: string | null
  hypothesis_text: string | null
  hypothesis_model: number | null
  hypothesis_checkpoint: number | null
}

/** Where an utterance lies and its state, as the domain names them (search hits share these). */
export function utterancePlace(r: UtteranceBaseRow): UtterancePlace {
  return {
    recordingId: r.recording_id,
    recordingName: r.original_name,
    startSec: r.start_sec,
    endSec: r.end_sec,
    speakerCode: r.speaker_code,
    language: r.language,
    status: r.status,
  }
}

/** The columns every utterance listing shares, as the domain names them. */
export function utteranceFields(
  r: UtteranceBaseRow,
): Omit<Utterance, 'text' | 'textSource' | 'machineOutput'> {
  return { id: r.id, ...utterancePlace(r) }
}

export function listUtterances(
  db: WriteDb,
  recordingId: number | undefined,
  offset: number,
  limit: number,
): Page<Utterance> {
  const where =
    recordingId === undefined
      ? 'WHERE u.merged_into IS NULL'
      : 'WHERE u.merged_into IS NULL AND u.recording_id = ?'
  const params = recordingId === undefined ? [] : [recordingId]
  const total = (
    db.prepare(`SELECT count(*) AS n FROM utterance u ${where}`).get(...params) as { n: number }
  ).n
  const rows = db
    .prepare(
      `SELECT u.id, u.recording_id, r.original_name, u.start_sec, u.end_sec, s.code AS speaker_code, u.language,
              u.status, v.text, v.source_kind, v.draft, v.machine_system, h.text AS hypothesis_text,
              h.model_id AS hypothesis_model, h.checkpoint_id AS hypothesis_checkpoint
       FROM utterance u
       JOIN recording r ON r.id = u.recording_id
       LEFT JOIN speaker s ON s.id = u.speaker_id
       LEFT JOIN revision v ON v.id = (SELECT max(id) FROM revision WHERE utterance_id = u.id)
       LEFT JOIN hypothesis h ON h.id = u.hypothesis_id
       ${where}
       ORDER BY u.recording_id, u.start_sec
       LIMIT ? OFFSET ?`,
    )
    .all(...params, limit, offset) as UtteranceRow[]
  const referenceOf = referenceReader(db)
  // Without a revision, the model's draft is the text (marked as the model's); a model's
  // reference (phones, another language) is no transcript to show.
  const draft = (r: UtteranceRow): string | null =>
    r.hypothesis_text !== null &&
    r.hypothesis_model !== null &&
    !referenceOf({
      modelId: r.hypothesis_model,
      checkpointId: r.hypothesis_checkpoint,
      language: r.language,
    })
      ? r.hypothesis_text
      : null
  return {
    total,
    offset,
    items: rows.map((r) => {
      const text = r.text ?? draft(r)
      const textSource = r.text !== null ? r.source_kind : text !== null ? 'model' : null
      const machine =
        r.source_kind !== null &&
        isMachineImport({ sourceKind: r.source_kind, draft: r.draft === 1 })
      return {
        ...utteranceFields(r),
        text,
        textSource,
        machineOutput: machine ? { system: r.machine_system } : null,
      }
    }),
  }
}

/**
 * Whether anything in the project waits for a model: an utterance without any hypothesis of its
 * span as it is now, or a recording not yet cut into utterances. A first labelling that was interrupted leaves both.
 */
export function hasUnlabelled(db: WriteDb): boolean {
  return (
    db
      .prepare(
        `SELECT 1 FROM recording r WHERE r.purged_at IS NULL AND (
           NOT EXISTS (SELECT 1 FROM utterance u WHERE u.recording_id = r.id)
           OR EXISTS (SELECT 1 FROM utterance u WHERE u.recording_id = r.id AND u.merged_into IS NULL
                      AND NOT EXISTS (SELECT 1 FROM hypothesis h WHERE h.utterance_id = u.id
                                      AND ${fitsSpanSql('h', 'u')})))
         LIMIT 1`,
      )
      .get() !== undefined
  )
}
