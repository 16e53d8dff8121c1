import type { WorkerReply } from '../workers/pool'
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

export type AudioResponse = WorkerReply<{ sha256: string; byteSize: number } | PreparedAudio>

/** A request as the pool takes it: the pool adds the id. */
export type AudioRequestBody = AudioRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'id'>
    : never
  : never
