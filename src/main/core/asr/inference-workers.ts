import type { ModelReport } from '../../../shared/domain'
import { WorkerPool, type WorkerFactory, type WorkerReply } from '../workers/pool'
import type { SessionSettings } from './providers'
import type { TranscribeBatchResult, TranscribeItem, TranscribeOptions } from './transcribe-options'
import type { Segment, VadOptions } from './vad-segments'

export type InferenceRequest =
  | { id: number; type: 'validate'; dir: string; settings: SessionSettings }
  | {
      id: number
      type: 'transcribe'
      modelDir: string
      modelKey: string
      settings: SessionSettings
      items: TranscribeItem[]
      options: TranscribeOptions
    }
  | {
      id: number
      type: 'segment'
      vadModel: string
      pcmPath: string
      durationSec: number
      options: VadOptions
    }
export type InferenceReply = WorkerReply<ModelReport | TranscribeBatchResult | Segment[]>

/** A request as the pool takes it: the pool adds the id. */
type RequestBody = InferenceRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'id'>
    : never
  : never

/** The inference worker owns the ONNX Runtime sessions; the main thread never runs a model. */
export class InferenceWorkers {
  private readonly pool: WorkerPool

  constructor(factory: WorkerFactory) {
    // One worker: ONNX Runtime parallelises inside a session with its own threads.
    this.pool = new WorkerPool('inference', factory, 1, 'nothing was changed')
  }

  validate(dir: string, settings: SessionSettings = {}): Promise<ModelReport> {
    return this.pool.request({ type: 'validate', dir, settings } satisfies RequestBody, dir)
  }

  transcribe(
    modelDir: string,
    modelKey: string,
    items: TranscribeItem[],
    options: TranscribeOptions,
    settings: SessionSettings = {},
  ): Promise<TranscribeBatchResult> {
    return this.pool.request(
      { type: 'transcribe', modelDir, modelKey, settings, items, options } satisfies RequestBody,
      `utterances ${items.map((i) => i.utteranceId).join(', ')}`,
    )
  }

  /** Voice activity detection over a recording's 16 kHz copy: speech segments in seconds. */
  segment(
    vadModel: string,
    pcmPath: string,
    durationSec: number,
    options: VadOptions,
    onProgress?: (fraction: number) => void,
  ): Promise<Segment[]> {
    return this.pool.request(
      { type: 'segment', vadModel, pcmPath, durationSec, options } satisfies RequestBody,
      pcmPath,
      onProgress,
    )
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
