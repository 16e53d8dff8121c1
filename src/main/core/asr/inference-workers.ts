import type { ModelReport } from '../../../shared/domain'
import type { LinearHead } from '../adapt/linear-head'
import type { RescoreRequest, RescoreResult } from '../adapt/rescore'
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
  | ({ id: number; type: 'rescore' } & RescoreRequest)
  | {
      id: number
      type: 'fitHead'
      modelDir: string
      modelKey: string
      settings: SessionSettings
      items: TranscribeItem[]
    }
  | {
      id: number
      type: 'segment'
      vadModel: string
      pcmPath: string
      durationSec: number
      options: VadOptions
    }
export type InferenceReply = WorkerReply<
  ModelReport | TranscribeBatchResult | Segment[] | RescoreResult | LinearHead | null
>

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

  /** The model's own (linear) head, recovered from its outputs on these utterances. */
  fitHead(
    modelDir: string,
    modelKey: string,
    items: TranscribeItem[],
    settings: SessionSettings = {},
  ): Promise<LinearHead | null> {
    return this.pool.request(
      { type: 'fitHead', modelDir, modelKey, settings, items } satisfies RequestBody,
      `${modelDir}: recovering its output layer`,
    )
  }

  /** New hypotheses and acquisition scores from a checkpoint's head over cached hidden states. */
  rescore(request: RescoreRequest): Promise<RescoreResult> {
    return this.pool.request(
      { type: 'rescore', ...request } satisfies RequestBody,
      `rescoring ${request.items.length} utterances with checkpoint ${request.checkpoint.id}`,
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
