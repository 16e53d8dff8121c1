import type { Spectrogram } from '../../../shared/domain'
import type { ProjectPaths } from '../project/paths'
import { WorkerPool, type WorkerFactory } from '../workers/pool'
import type { AudioProtocol } from './audio-protocol'
import type { EncodedFlac, FlacSpan } from './flac-encode'
import type { PreparedAudio } from './prepare'
import type { SpectrogramWindow } from './spectrogram'

/**
 * Audio workers: hashing, decoding, peaks, resampling, spectrograms and FLAC encoding off the
 * main thread.
 */
export class AudioWorkers {
  private readonly pool: WorkerPool<AudioProtocol>

  constructor(
    factory: WorkerFactory,
    /** How many workers run at once: callers with many requests keep about this many in flight. */
    readonly size = 1,
  ) {
    this.pool = new WorkerPool({
      name: 'audio',
      factory,
      size,
      consequence: 'the file was not imported',
    })
  }

  hash(path: string): Promise<{ sha256: string; byteSize: number }> {
    return this.pool.request('hash', { path }, { subject: path })
  }

  prepare(
    path: string,
    paths: ProjectPaths,
    onProgress?: (fraction: number) => void,
  ): Promise<PreparedAudio> {
    const dirs = {
      audioDir: paths.audioDir,
      pcmDir: paths.pcmDir,
      peaksDir: paths.peaksDir,
      stagingDir: paths.stagingDir,
    }
    return this.pool.request('prepare', { path, dirs }, { subject: path, onProgress })
  }

  /**
   * A spectrogram of [startSec, endSec) of a recording's 16 kHz cache file (`pcmPath(paths,
   * sha256)`), with at most `maxFrames` frames. Only that window of the file is read. A missing
   * cache file is a `not_found` error naming the recording.
   */
  spectrogram(pcmPath: string, window: SpectrogramWindow): Promise<Spectrogram> {
    return this.pool.request(
      'spectrogram',
      { pcmPath, window },
      { subject: `recording ${window.recordingId}` },
    )
  }

  /**
   * Writes samples [from, to) of a 16 kHz cache file as a new 16 kHz 16-bit mono FLAC file
   * (`encodeFlacSpan`). A missing cache file is a `not_found` error; a failed write a `store`
   * error whose details carry the errno code (ENOSPC for a full disk).
   */
  encodeFlac(span: FlacSpan): Promise<EncodedFlac> {
    return this.pool.request('encodeFlac', { span }, { subject: span.out })
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
