import type { ModelReport } from '../../../shared/domain'
import type { WordTime } from '../../../shared/word-time'
import type { LinearHead } from '../adapt/linear-head'
import type { RescoreRequest, RescoreResult } from '../adapt/rescore'
import { WorkerPool, type WorkerFactory } from '../workers/pool'
import type { InferenceProtocol } from './inference-protocol'
import type { PreparedGraph } from './prepare-graph'
import type { SessionSettings } from './providers'
import type { TranscribeBatchResult, TranscribeItem, TranscribeOptions } from './transcribe-options'
import type { Segment, VadOptions } from './vad-segments'

/** The inference worker owns the ONNX Runtime sessions; the main thread never runs a model. */
export class InferenceWorkers {
  private readonly pool: WorkerPool<InferenceProtocol>

  constructor(factory: WorkerFactory) {
    // One worker: ONNX Runtime parallelises inside a session with its own threads.
    this.pool = new WorkerPool({ name: 'inference', factory })
  }

  /** Copies a model's graph for registration, exposing its hidden states when it lacks them. */
  prepare(
    source: string,
    target: string,
    outputs: { logits: string; hiddenStates: string | null },
  ): Promise<PreparedGraph> {
    return this.pool.request('prepare', { source, target, outputs }, { subject: source })
  }

  validate(dir: string, settings: SessionSettings = {}): Promise<ModelReport> {
    return this.pool.request('validate', { dir, settings }, { subject: dir })
  }

  transcribe(
    modelDir: string,
    modelKey: string,
    items: TranscribeItem[],
    options: TranscribeOptions,
    settings: SessionSettings = {},
  ): Promise<TranscribeBatchResult> {
    return this.pool.request(
      'transcribe',
      { modelDir, modelKey, settings, items, options },
      { subject: `utterances ${items.map((i) => i.utteranceId).join(', ')}` },
    )
  }

  /** Where the words of `text` lie in one utterance: forced alignment with the model (transcribe.ts). */
  align(
    modelDir: string,
    modelKey: string,
    item: TranscribeItem,
    text: string,
    options: TranscribeOptions,
  ): Promise<WordTime[]> {
    return this.pool.request(
      'align',
      { modelDir, modelKey, settings: {}, items: [item], options, text },
      { subject: `aligning utterance ${item.utteranceId}` },
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
      'fitHead',
      { modelDir, modelKey, settings, items },
      { subject: `${modelDir}: recovering its output layer` },
    )
  }

  /** New hypotheses and acquisition scores from a checkpoint's head over cached hidden states. */
  rescore(request: RescoreRequest): Promise<RescoreResult> {
    return this.pool.request('rescore', request, {
      subject: `rescoring ${request.items.length} utterances with checkpoint ${request.checkpoint.id}`,
    })
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
      'segment',
      { vadModel, pcmPath, durationSec, options },
      { subject: pcmPath, onProgress },
    )
  }

  close(): Promise<void> {
    return this.pool.close()
  }
}
