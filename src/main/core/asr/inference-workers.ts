import type { ModelReport } from '../../../shared/domain'
import { WorkerPool, type WorkerFactory, type WorkerReply } from '../workers/pool'
import type { SessionSettings } from './providers'
import type { TranscribeBatchResult, TranscribeItem, TranscribeOptions } from './transcribe'

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
export type InferenceReply = WorkerReply<ModelReport | TranscribeBatchResult>

/** The inference worker owns the ONNX Runtime sessions; the main thread never runs a model. */
export class InferenceWorkers {
  private readonly pool: WorkerPool

  constructor(factory: WorkerFactory) {
    // One worker: ONNX Runtime parallelises inside a session with its own threads.
    this.pool = new WorkerPool('inference', factory, 1, 'nothing was changed')
  }

  validate(dir: string, settings: SessionSettings = {}): Promise<ModelReport> {
    return this.pool.request({ type: 'validate', dir, settings }, dir)
  }

  transcribe(
    modelDir: string,
    modelKey: string,
    items: TranscribeItem[],
    options: TranscribeOptions,
    settings: SessionSettings = {},
  ): Promise<TranscribeBatchResult> {
    return this.pool.request(
      { type: 'transcribe', modelDir, modelKey, settings, items, options },
      `utterances ${items.map((i) => i.utteranceId).join(', ')}`,
    )
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
