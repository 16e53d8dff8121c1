import type { ModelReport } from '../../../shared/domain'
import type { LinearHead } from '../adapt/linear-head'
import type { RescoreRequest, RescoreResult } from '../adapt/rescore'
import type { WordTime } from '../../../shared/word-time'
import type { Call } from '../workers/protocol'
import type { PreparedGraph } from './prepare-graph'
import type { SessionSettings } from './providers'
import type { TranscribeBatchResult, TranscribeItem, TranscribeOptions } from './transcribe-options'
import type { Segment, VadOptions } from './vad-segments'

/** The model the worker keeps open between requests: labelling sends it batch after batch. */
export interface ModelRequest {
  modelDir: string
  modelKey: string
  settings: SessionSettings
  items: TranscribeItem[]
}

/** The inference worker's calls (workers/inference.ts answers them). */
export interface InferenceProtocol {
  validate: Call<{ dir: string; settings: SessionSettings }, ModelReport>
  prepare: Call<
    { source: string; target: string; outputs: { logits: string; hiddenStates: string | null } },
    PreparedGraph
  >
  transcribe: Call<ModelRequest & { options: TranscribeOptions }, TranscribeBatchResult>
  align: Call<ModelRequest & { options: TranscribeOptions; text: string }, WordTime[]>
  fitHead: Call<ModelRequest, LinearHead | null>
  rescore: Call<RescoreRequest, RescoreResult>
  segment: Call<
    { vadModel: string; pcmPath: string; durationSec: number; options: VadOptions },
    Segment[]
  >
}
