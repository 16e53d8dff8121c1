import type { AcquisitionStrategy, RateTrialScore } from '../../../shared/domain'
import type { Vocabulary } from '../asr/vocab'
import type { OpenDatabaseOptions } from '../db/connection'
import type { AdapterHeadShape } from '../train/adapter-head'
import type { Call } from '../workers/protocol'
import type { Ranked } from './acquisition'
import type { CheckpointMeta } from './head-runtime'
import type { SimulationRequest, SimulationResult } from './simulate'

/** The training worker's calls (workers/train.ts answers them). */
export interface TrainProtocol {
  train: Call<TrainJobRequest, TrainJobResult>
  simulate: Call<SimulationRequest, SimulationResult>
  rank: Call<RankRequest, Ranked[]>
}

/** Ranks the project's pool for the queue (acquisition.ts), on a read-only connection. */
export interface RankRequest {
  dbPath: string
  db: OpenDatabaseOptions
  strategy: AcquisitionStrategy
}

/** Training hyper-parameters (defaults and their measurement: docs/training.md). */
export interface TrainHyperparameters {
  bottleneck: number
  learningRate: number
  adapterLearningRate: number
  weightDecay: number
  clipNorm: number
  batchFrames: number
  maxEpochs: number
  patience: number
  headWarmupEpochs: number
  seed: number
}

export interface TrainExampleRef {
  utteranceId: number
  /** The hidden-state cache file (hidden-cache.ts). */
  file: string
  targets: number[]
  /** The reference as the head should write it, for dev CER/WER. */
  text: string
}

export interface TrainJobRequest {
  train: TrainExampleRef[]
  dev: TrainExampleRef[]
  vocabulary: Vocabulary
  /** The checkpoint this one starts from (also scored on the same dev split), or null. */
  parent: { path: string; modelSha256: string } | null
  /**
   * Without a parent: the base model's own head (recovered by least squares), whose rows start
   * the new head's rows for the tokens both vocabularies share.
   */
  baseHead: { tokens: string[]; blank: number; weight: Float32Array; bias: Float32Array } | null
  shape: AdapterHeadShape
  hyper: TrainHyperparameters
  /** How many head-only bootstrap heads to train for committee disagreement (0: none). */
  committee: number
  /** Where to write the checkpoint file (then the committee's, as `<out>.committee-<k>`). */
  out: string
  /** Where files are written until whole (the process's staging folder). */
  staging: string
  meta: CheckpointMeta
  /** Int32Array over it: [0] set to 1 asks the worker to stop. */
  stop: SharedArrayBuffer
  /**
   * The project's own language model (a word n-gram of the training transcripts): the child is
   * scored on dev at each weight and keeps the best; the parent with the weight it kept.
   */
  lm: ProjectLanguageModel | null
}

/** Shallow fusion with a word n-gram of the project's training transcripts (docs/active-learning.md). */
export interface ProjectLanguageModel {
  sentences: string[]
  /** What the dev check tries (weight 0: no language model). */
  candidates: LanguageModelWeight[]
  /** What the parent checkpoint kept (weight 0 for a parent without one). */
  parent: LanguageModelWeight
}

export interface LanguageModelWeight {
  weight: number
  wordBonus: number
}

export interface DevScores {
  utterances: number
  cer: number
  wer: number
}

export interface TrainJobResult {
  history: { epoch: number; trainLoss: number; devLoss: number | null; devMetric?: number | null }[]
  bestEpoch: number
  stoppedEarly: boolean
  cancelled: boolean
  /** Training utterances left out because their audio is too short for their transcript. */
  skipped: number[]
  dev: DevScores | null
  parentDev: DevScores | null
  /** The language-model weight the child is scored (and will decode) with; weight 0: none. */
  lm: LanguageModelWeight
  /** The child's dev scores at each weight tried. */
  devByLm: (LanguageModelWeight & DevScores)[]
  sha256: string
  committee: string[]
  /** Training time, the rate trial's included. */
  trainMs: number
  committeeMs: number
  /** The learning-rate scale the inherited rows stepped at; null when nothing was inherited. */
  inheritedScale: number | null
  /** The rate trial: each candidate scale's dev scores after its first epoch (trainer.ts). */
  rateTrial: RateTrialScore[]
}
