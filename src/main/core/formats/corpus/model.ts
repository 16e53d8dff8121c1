/**
 * The one shape every corpus writer takes and every corpus reader returns, so that exports and
 * imports of Kaldi, NeMo, Hugging Face, Common Voice, CSV, ELAN, Praat and subtitle files share
 * one set of rules (see docs/export-formats.md). Times are seconds, absolute in the recording.
 */
import type { LanguageSpan, SpeakerGender, TierInterval, TierKind } from '../../../../shared/domain'
import type { WordTime } from '../../../../shared/word-time'

export type { SpeakerGender }

export interface CorpusSpeaker {
  /** The pseudonymous speaker code; never a name. */
  code: string
  gender: SpeakerGender | null
  ageBand: string | null
  dialect: string | null
  firstLanguage: string | null
}

export interface CorpusRecording {
  /** Stable key, e.g. "rec0007"; also the base of per-recording file names. */
  id: string
  /** Relative path (forward slashes) from the export root, or the path as found on import. */
  audioPath: string
  /**
   * Length of the audio. Readers of formats that do not store it give a lower bound (the end of
   * the last annotation), or 0 with `untimed` utterances; the importer measures the audio anyway.
   */
  durationSec: number
  speaker: string | null
  sampleRate?: number
}

export interface CorpusUtterance {
  /** Stable key, e.g. "utt0042". */
  id: string
  recordingId: string
  /**
   * The speaker's code. Readers give null where the file names no speaker; writers refuse null,
   * because an export is filtered by each speaker's consent.
   */
  speaker: string | null
  start: number
  end: number
  text: string
  language: string | null
  spans: LanguageSpan[]
  /** One per word of `text` when known, else empty. */
  words: WordTime[]
  /** Marked noisy but usable (docs/export-formats.md): manifest writers give it a column. */
  noisy?: true
  /** When audio is exported as one file per utterance: that file, relative to the export root. */
  segmentAudioPath?: string
  /**
   * Set by readers of formats without times (Common Voice, a Kaldi directory without segments or
   * durations, a manifest without start/end): the utterance is its whole recording, and start and
   * end stay 0 until the caller has measured the audio.
   */
  untimed?: true
  /** The text of the project's own tiers (docs/tiers.md) on this utterance; none when absent. */
  tiers?: CorpusTierText[]
}

/**
 * A project tier (translation, gloss, notes): time-aligned or one text per utterance. ELAN and
 * Praat writers give each speaker tier a dependent tier of each; readers return the dependent
 * tiers they found, with the kind their file shows.
 */
export interface CorpusTier {
  name: string
  kind: TierKind
}

export interface CorpusTierText {
  /** A `Corpus.tiers` name. */
  tier: string
  /** Absolute seconds, ordered, not overlapping; a tier of one text per utterance has one. */
  intervals: TierInterval[]
}

export interface Corpus {
  speakers: CorpusSpeaker[]
  recordings: CorpusRecording[]
  utterances: CorpusUtterance[]
  /** The project tiers, in the project's order; absent for formats and files without them. */
  tiers?: CorpusTier[]
}

export interface OutFile {
  /** Relative to the export root, forward slashes. */
  path: string
  content: string | Uint8Array
}

/**
 * Something a writer did that the user should hear about: an utterance left out (empty text, too
 * short to keep its order after rounding, no per-utterance audio where the format needs it) or
 * adjusted (clamped to its recording). Callers show these; nothing is dropped silently.
 */
export interface ExportNote {
  kind: 'skipped' | 'adjusted' | 'info'
  utteranceId?: string
  recordingId?: string
  message: string
}

export interface ExportResult {
  files: OutFile[]
  notes: ExportNote[]
}

/** A reader's result: the whole file or nothing (readers throw on the first problem). */
export interface ImportResult {
  corpus: Corpus
  /** What was read but not kept (point tiers, unselected tiers), in words. */
  notes: string[]
}

/** A speaker known by their code (and perhaps gender) alone, as most formats keep them. */
export function speakerByCode(code: string, gender: SpeakerGender | null = null): CorpusSpeaker {
  return { code, gender, ageBand: null, dialect: null, firstLanguage: null }
}

/** A recording's speaker: the one its utterances name, or null where they name none or several. */
export function soleSpeaker(codes: ReadonlySet<string | null>): string | null {
  return codes.size === 1 ? ([...codes][0] ?? null) : null
}

/** A reader's corpus of one recording (ELAN, Praat): a speaker for each code its utterances name. */
export function oneRecordingCorpus(
  recording: Omit<CorpusRecording, 'speaker'>,
  utterances: CorpusUtterance[],
): Corpus {
  const codes = new Set(utterances.map((u) => u.speaker ?? ''))
  return {
    speakers: [...codes].map((code) => speakerByCode(code)),
    recordings: [{ ...recording, speaker: soleSpeaker(codes) }],
    utterances,
  }
}

/** How dataset writers reference audio: whole recordings plus times, or one file per utterance. */
export type AudioMode = 'recordings' | 'segments'
