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

/**
 * What an export takes unless told otherwise: transcripts a person decided on (docs/export.md).
 * An imported transcript nobody has decided on since stands as corrected (`exportStatusOf`).
 */
export const defaultExportStatuses: readonly UtteranceStatus[] = ['corrected', 'reviewed']
/** What an export takes unless told otherwise: people's transcripts, not the model's guesses. */
export const defaultExportSources: readonly RevisionSourceKind[] = ['annotator', 'import']

/**
 * The status an export's status filter also takes an utterance for. Imported transcripts arrive
 * with status `new` (no one in the project has worked on them), but people wrote them, and an
 * import has no way to say its text is machine output: so they count as corrected too. A
 * person's decision on them later (a correction, a flag, a review) sets the status as usual.
 */
export function exportStatusOf(
  status: UtteranceStatus,
  labelSource: RevisionSourceKind | null,
): UtteranceStatus {
  return labelSource === 'import' && (status === 'new' || status === 'pseudo')
    ? 'corrected'
    : status
}

/**
 * The standings of a label that is no finished transcript: a model's draft or imported machine
 * output that no person saw, a person's work still pending, no label, flagged or skipped.
 */
export const unfinishedStandings = [
  'machineDraft',
  'machineImport',
  'pending',
  'untranscribed',
  'flagged',
  'skipped',
] as const

/**
 * Where an utterance's label stands, for what an export takes and counts (docs/export.md):
 * reviewed by a reviewer; corrected by an annotator; the model's text accepted unchanged by an
 * annotator (not yet reviewed); imported with the data; the model's draft that no person saw;
 * another recogniser's output, imported to be corrected, that no person has saved yet;
 * a person's transcript sent back by a reviewer or awaiting its second blind version; no label
 * at all; flagged or skipped.
 */
export const exportStandings = [
  'reviewed',
  'corrected',
  'accepted',
  'imported',
  ...unfinishedStandings,
] as const
export type ExportStanding = (typeof exportStandings)[number]

/**
 * Why an utterance is left out: its standing was not chosen, or its speaker lacks the consent
 * (`consent`), its status or label source was not chosen (`status`, `source`), its only label is
 * a model's reference (`reference`), or whole originals were asked for and its recording also
 * holds speech of speakers without consent (`sharedRecording`).
 */
export const exportLeftOutReasons = [
  'consent',
  'machineDraft',
  'machineImport',
  'accepted',
  'pending',
  'untranscribed',
  'flagged',
  'skipped',
  'status',
  'source',
  'reference',
  'sharedRecording',
] as const
export type ExportLeftOutReason = (typeof exportLeftOutReasons)[number]

/** What an export with given choices holds and leaves out; a preview and the run count alike. */
export interface ExportCounts {
  utterances: number
  durationSec: number
  speakers: number
  recordings: number
  /** The exported utterances by standing (only standings that occur). */
  standings: Partial<Record<ExportStanding, number>>
  /** The utterances left out, by reason (only reasons that occur). */
  leftOut: Partial<Record<ExportLeftOutReason, number>>
  /**
   * Utterances whose only label is imported machine output no person has saved (standing
   * `machineImport`, exported or left out), by the recogniser named at import (null: unnamed).
   */
  machineOutput: { system: string | null; utterances: number }[]
}

/** 16 kHz 16-bit mono WAV or FLAC per utterance, or the recordings' original files. */
export const exportAudios = ['wav', 'flac', 'originals'] as const
export type ExportAudio = (typeof exportAudios)[number]

export interface ExportSummary extends ExportCounts {
  exportRunId: number
  directory: string
  use: ConsentScope
  files: number
  /** Utterances that matched the filters but whose speaker lacks the consent this use needs. */
  withoutConsent: number
  /** What the writers left out or changed, and why. */
  notes: string[]
  manifestSha256: string
}
