import type { Spectrogram } from '../../../shared/domain'
import type { ProjectPaths } from '../project/paths'
import { WorkerPool, type WorkerFactory } from '../workers/pool'
import type { PreparedAudio } from './prepare'
import type { SpectrogramWindow } from './spectrogram'
import type { AudioRequestBody } from './worker-protocol'

export type AudioWorkerFactory = WorkerFactory

/** Audio workers: hashing, decoding, peaks, resampling and spectrograms off the main thread. */
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

  /**
   * A spectrogram of [startSec, endSec) of a recording's 16 kHz cache file (`pcmPath(paths,
   * sha256)`), with at most `maxFrames` frames. Only that window of the file is read. A missing
   * cache file is a `not_found` error naming the recording.
   */
  spectrogram(pcmPath: string, window: SpectrogramWindow): Promise<Spectrogram> {
    return this.pool.request(
      { type: 'spectrogram', pcmPath, window } satisfies AudioRequestBody,
      `recording ${window.recordingId}`,
    )
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
