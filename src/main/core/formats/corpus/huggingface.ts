import { clipsOf, type Clip } from './clips'
import type { Corpus, ExportResult } from './model'
import { joinPath } from './text'
import { roundedSeconds } from './time'

export interface HuggingFaceOptions {
  /** The audiofolder's root inside the export; every audio file must lie under it. */
  dir?: string
  /** metadata.jsonl (default, keeps language spans as lists) or metadata.csv. */
  format?: 'jsonl' | 'csv'
}

const columns = [
  'file_name',
  'transcription',
  'utterance_id',
  'speaker_id',
  'language',
  'gender',
  'age_band',
  'dialect',
  'first_language',
  'recording_id',
  'start',
  'end',
  'language_spans',
  'noisy',
] as const

function record(c: Clip): Record<(typeof columns)[number], unknown> {
  return {
    file_name: c.path,
    transcription: c.text,
    utterance_id: c.u.id,
    speaker_id: c.u.speaker,
    language: c.u.language,
    gender: c.speaker?.gender ?? null,
    age_band: c.speaker?.ageBand ?? null,
    dialect: c.speaker?.dialect ?? null,
    first_language: c.speaker?.firstLanguage ?? null,
    recording_id: c.recording.id,
    start: roundedSeconds(c.u.start),
    end: roundedSeconds(c.u.end),
    language_spans: c.u.spans.map((s) => ({ start: s.start, end: s.end, lang: s.lang })),
    noisy: c.u.noisy === true,
  }
}

/** RFC 4180: quote a field holding a comma, quote, line break or edge spaces. */
export function csvField(value: unknown): string {
  const s =
    value === null || value === undefined
      ? ''
      : typeof value === 'string'
        ? value
        : JSON.stringify(value)
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/**
 * A Hugging Face `audiofolder` dataset's metadata: one row per utterance with `file_name`
 * relative to the folder (the loader's rule; audio outside it is refused), `transcription`,
 * speaker, language, where the clip came from, and whether an annotator marked it noisy but
 * usable (`noisy`, so training can weight or drop it). The loader needs one file per row, so every
 * utterance needs its own audio file (segments, or a whole recording). Empty transcripts are
 * left out.
 */
export function writeHuggingFace(corpus: Corpus, options: HuggingFaceOptions = {}): ExportResult {
  const dir = options.dir ?? ''
  const { clips, notes } = clipsOf(corpus, {
    relativeTo: dir,
    audio: 'segments',
    keepEmpty: false,
    format: 'A Hugging Face audiofolder',
    inside: true,
  })
  if (options.format === 'csv') {
    const lines = [
      columns.join(','),
      ...clips.map((c) => columns.map((k) => csvField(record(c)[k])).join(',')),
    ]
    return {
      files: [
        { path: joinPath(dir, 'metadata.csv'), content: lines.map((l) => `${l}\r\n`).join('') },
      ],
      notes,
    }
  }
  const content = clips.map((c) => `${JSON.stringify(record(c))}\n`).join('')
  return { files: [{ path: joinPath(dir, 'metadata.jsonl'), content }], notes }
}
