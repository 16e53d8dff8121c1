import type { ErrorInfo } from '../../../shared/errors'
import type { PreparedAudio } from './prepare'

/** Messages between the main thread and an audio worker. */
export type AudioRequest =
  | { id: number; type: 'hash'; path: string }
  | {
      id: number
      type: 'prepare'
      path: string
      dirs: { audioDir: string; pcmDir: string; peaksDir: string }
    }

export type AudioResponse =
  | { id: number; ok: true; value: { sha256: string; byteSize: number } | PreparedAudio }
  | { id: number; ok: false; error: ErrorInfo }
