import type { Spectrogram } from '../../../shared/domain'
import type { WorkerReply } from '../workers/pool'
import type { EncodedFlac, FlacSpan } from './flac-encode'
import type { PreparedAudio } from './prepare'
import type { SpectrogramWindow } from './spectrogram'

/** Messages between the main thread and an audio worker. */
export type AudioRequest =
  | { id: number; type: 'hash'; path: string }
  | {
      id: number
      type: 'prepare'
      path: string
      dirs: { audioDir: string; pcmDir: string; peaksDir: string }
    }
  | { id: number; type: 'spectrogram'; pcmPath: string; window: SpectrogramWindow }
  | { id: number; type: 'encodeFlac'; span: FlacSpan }

export type AudioResponse = WorkerReply<
  { sha256: string; byteSize: number } | PreparedAudio | Spectrogram | EncodedFlac
>

/** A request as the pool takes it: the pool adds the id. */
export type AudioRequestBody = AudioRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'id'>
    : never
  : never
