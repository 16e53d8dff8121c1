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
