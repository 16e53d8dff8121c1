import type { ExecutionProviderName, ProviderAttempt } from '../../../shared/domain'
import type { WordTime } from '../../../shared/word-time'
import { defaultConfidence, type ConfidenceMethod } from './confidence'
import type { WordFeatures } from './word-features'

/**
 * Labelling options and results, kept apart from transcribe.ts so that the main thread can use
 * them without loading ONNX Runtime (only the inference worker runs models).
 */
export interface TranscribeItem {
  utteranceId: number
  /** The recording's 16 kHz mono float32 copy, and the utterance's span in it. */
  pcmPath: string
  startSec: number
  endSec: number
  /**
   * The scripts the utterance's language is written in (script-mask.ts): the model's own
   * character head writes only their letters. Absent when the language is not known.
   */
  scripts?: string[]
}

export interface TranscribeOptions {
  nBest: number
  beamWidth: number
  confidence: ConfidenceMethod
  /** Where to cache the encoder's hidden states (float16), or null. */
  hiddenDir: string | null
  /** Where cache files are written until whole (the process's staging folder); null: beside them. */
  stagingDir: string | null
  /** Utterances longer than this are run in overlapping chunks and stitched. */
  chunkSec: number
  overlapSec: number
  /** At most this many utterances of similar length share one run. */
  maxBatch: number
  /** Shallow fusion with a word n-gram built from these sentences (docs/metrics.md). */
  lm: { key: string; sentences: string[]; weight: number; wordBonus: number } | null
  /** Decode with an adapted checkpoint's head instead of the model's own (docs/training.md). */
  checkpoint: { id: number; path: string; modelSha256: string } | null
}

export const defaultTranscribeOptions: TranscribeOptions = {
  nBest: 5,
  beamWidth: 16,
  confidence: defaultConfidence,
  hiddenDir: null,
  stagingDir: null,
  chunkSec: 30,
  overlapSec: 2,
  maxBatch: 8,
  lm: null,
  checkpoint: null,
}

export interface HypothesisResult {
  rank: number
  text: string
  logProb: number
  confidence: number | null
  /** Each word with its time, alignment score and confidence. */
  words: WordTime[]
  /** Each word's raw scores (word-features.ts), from which calibration computes confidence. */
  wordFeatures: WordFeatures[]
}

/**
 * What active learning ranks by (docs/active-learning.md), measured when an utterance is
 * labelled or rescored.
 */
export interface AcquisitionMeasures {
  /** 1 − the best transcript's per-token probability: higher is less sure. */
  leastConfidence: number
  /** Mean normalised frame entropy in [0, 1]. */
  entropy: number
  /** log P(best) − log P(second best); null with a one-item list. */
  margin: number | null
  /** Committee disagreement (mean pairwise CER of bootstrap heads); null without a committee. */
  disagreement: number | null
  /** Mean-pooled encoder state (float32), for diversity; null without hidden states. */
  embedding: Float32Array | null
}

export interface UtteranceResult {
  utteranceId: number
  /** The span that was read (the item's): what is stored records it (decoded-span.ts). */
  startSec: number
  endSec: number
  frames: number
  hypotheses: HypothesisResult[]
  acquisition: AcquisitionMeasures
  hiddenStatesFile: string | null
}

export interface TranscribeBatchResult {
  results: UtteranceResult[]
  provider: ExecutionProviderName
  providerAttempts: ProviderAttempt[]
  /** Time inside session.run, to separate the model's cost from the workbench's. */
  inferenceMs: number
  totalMs: number
}
