/** Audio: waveform peaks, spectrograms and what an import of audio did. */
import type { MessageArgs, ServerMessageKey } from '../messages'

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
