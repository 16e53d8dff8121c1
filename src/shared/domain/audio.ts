/** Audio: waveform peaks, spectrograms and what an import of audio did. */
import type { MessageArgs, ServerMessageKey } from '../messages'
import type { MachineOutputChoice } from './provenance'

export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg' | 'opus'

export interface Peaks {
  recordingId: number
  durationSec: number
  peaksPerSecond: number
  /** Max absolute amplitude per bucket, in [0, 1]; mirror it to draw a waveform. */
  data: number[]
}

export interface RejectedFile {
  path: string
  message: string
  /** Set when the path does not exist (the CLI exits "not found"). */
  missing?: true
  /** The message by key, for the UI to translate (shared/messages.ts). */
  key?: ServerMessageKey
  args?: MessageArgs
}

export interface ImportSummary {
  imported: number
  duplicates: number
  rejected: RejectedFile[]
  /** Files imported (or already there) with something the user should know: a long clip kept whole, a transcript not applied, bytes ignored. */
  warnings: RejectedFile[]
  recordingIds: number[]
  /** Audio seconds newly added to the project. */
  durationSec: number
  /** Transcripts that became revisions with source `import`. */
  revisions: number
  /**
   * Set when the person importing said the transcripts are machine output: then `revisions`
   * are drafts to correct, not people's transcripts (docs/formats.md, "Machine output").
   */
  machineOutput: MachineOutputChoice | null
  /** Speaker codes and languages of the files imported now (from manifests), each once. */
  speakers: string[]
  languages: string[]
}

/** What an import would bring, read before anything is imported (`import.preview`). */
export interface ImportPreview {
  /** Audio files that look importable. */
  files: number
  /** Their length from their headers (MP3 estimated from its bit rate). */
  durationSec: number
  /** Files whose headers do not give their length (counted out of `durationSec`). */
  unknownLength: number
  /** Files that arrive with a transcript (from a manifest). */
  transcripts: number
  /** Speakers named by manifests, with how many files each and whether the project knows them. */
  speakers: { code: string; files: number; known: boolean }[]
  languages: { language: string; files: number }[]
  /** Files that arrive without a speaker (assign one on the Speakers screen). */
  withoutSpeaker: number
  /** Files that would be refused already: missing, not audio, a damaged header. */
  problems: RejectedFile[]
}

export interface Spectrogram {
  recordingId: number
  startSec: number
  endSec: number
  /** Frames per second of `data`. */
  framesPerSecond: number
  frames: number
  /** Frequency bins per frame, bottom (0 Hz) first, up to `maxHz`. */
  bins: number
  maxHz: number
  /** frames × bins bytes, frame-major, 0 = silence floor, 255 = loudest; base64. */
  data: string
}

/** The model-side sample rate: every model package expects 16 kHz mono float, and every recording's
 * `pcm/<sha256>.f32` copy is at this rate. */
export const MODEL_SAMPLE_RATE = 16_000
