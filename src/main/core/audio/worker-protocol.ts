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
  /** Part of a long file done: the fraction of its bytes decoded so far. */
  | { id: number; progress: number }
