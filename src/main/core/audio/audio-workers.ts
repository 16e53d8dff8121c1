import type { ProjectPaths } from '../project/paths'
import { WorkerPool, type WorkerFactory } from '../workers/pool'
import type { PreparedAudio } from './prepare'
import type { AudioRequestBody } from './worker-protocol'

export type AudioWorkerFactory = WorkerFactory

/** Audio workers: hashing, decoding, peaks and resampling off the main thread. */
export class AudioWorkers {
  private readonly pool: WorkerPool

  constructor(factory: AudioWorkerFactory, size = 1) {
    this.pool = new WorkerPool('audio', factory, size, 'the file was not imported')
  }

  hash(path: string): Promise<{ sha256: string; byteSize: number }> {
    return this.pool.request({ type: 'hash', path } satisfies AudioRequestBody, path)
  }

  prepare(
    path: string,
    paths: ProjectPaths,
    onProgress?: (fraction: number) => void,
  ): Promise<PreparedAudio> {
    const dirs = { audioDir: paths.audioDir, pcmDir: paths.pcmDir, peaksDir: paths.peaksDir }
    return this.pool.request(
      { type: 'prepare', path, dirs } satisfies AudioRequestBody,
      path,
      onProgress,
    )
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
