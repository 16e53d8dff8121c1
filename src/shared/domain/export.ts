/** Consented exports (docs/export.md). */
import type { ConsentScope } from './consent'
import type { UtteranceStatus } from './project'
import type { RevisionSourceKind } from './provenance'

export const exportFormats = [
  'kaldi',
  'nemo',
  'huggingface',
  'commonvoice',
  'csv',
  'eaf',
  'textgrid',
  'vtt',
  'srt',
] as const
export type ExportFormat = (typeof exportFormats)[number]

/** The short and other names people type for the formats (lower case, any of - _ or space). */
export const exportFormatAliases: Readonly<Record<string, ExportFormat>> = {
  hf: 'huggingface',
  hugging_face: 'huggingface',
  audiofolder: 'huggingface',
  cv: 'commonvoice',
  common_voice: 'commonvoice',
  elan: 'eaf',
  praat: 'textgrid',
  webvtt: 'vtt',
  subrip: 'srt',
}

/** The format a typed name means (`hf`, `Common-Voice`, `huggingface`), or null. */
export function exportFormatFor(name: string): ExportFormat | null {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
  if ((exportFormats as readonly string[]).includes(key)) return key as ExportFormat
  return exportFormatAliases[key] ?? exportFormatAliases[key.replace(/_/g, '')] ?? null
}

/** The formats with their short names, for a message that says which names exist. */
export function exportFormatNames(): string {
  return exportFormats
    .map((f) => {
      const short = Object.keys(exportFormatAliases).filter(
        (a) => exportFormatAliases[a] === f && a.length <= 2,
      )
      return short.length ? `${f} (${short.join(', ')})` : f
    })
    .join(', ')
}

/** What an export takes unless told otherwise: everything not set aside (flagged, skipped). */
export const defaultExportStatuses: readonly UtteranceStatus[] = [
  'new',
  'pseudo',
  'corrected',
  'reviewed',
]
/** What an export takes unless told otherwise: people's transcripts, not the model's guesses. */
export const defaultExportSources: readonly RevisionSourceKind[] = ['annotator', 'import']

/** 16 kHz 16-bit mono WAV or FLAC per utterance, or the recordings' original files. */
export const exportAudios = ['wav', 'flac', 'originals'] as const
export type ExportAudio = (typeof exportAudios)[number]

export interface ExportSummary {
  exportRunId: number
  directory: string
  use: ConsentScope
  speakers: number
  recordings: number
  utterances: number
  durationSec: number
  files: number
  /** Utterances that matched the filters but whose speaker lacks the consent this use needs. */
  withoutConsent: number
  /** What the writers left out or changed, and why. */
  notes: string[]
  manifestSha256: string
}
