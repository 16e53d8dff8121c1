/** Models: where inference runs, what labelling did, and how a model scores on the project. */

/** Where the latest labelling run ran, and why not elsewhere. */
export interface InferenceStatus {
  model: string
  provider: ExecutionProviderName | null
  attempts: ProviderAttempt[]
  finishedAt: string
}

export type ExecutionProviderName = 'cuda' | 'webgpu' | 'cpu'

export interface ProviderAttempt {
  name: ExecutionProviderName
  ok: boolean
  /** Why it was not used, or what was checked when it was. */
  reason: string
}

/** What model validation found: the checks a package passed and what runs it. */
export interface ModelReport {
  name: string
  layout: 'sauti' | 'huggingface'
  sha256: string
  bytes: number
  input: { name: string; type: string; shape: (number | string)[] }
  outputs: { name: string; type: string; shape: (number | string)[] }[]
  vocabularySize: number
  /** Frames per second of audio, measured on the one-second probe. */
  framesPerSecond: number
  frameStrideSec: number
  hiddenSize: number | null
  heads: { name: string; output: string; vocabularySize: number }[]
  provider: ExecutionProviderName
  providerAttempts: ProviderAttempt[]
  probeMs: number
  warnings: string[]
}

/** What a labelling run did: how much, where it ran, and what it cost. */
export interface LabelSummary {
  modelId: string
  /** What the head that labelled writes (an adapted checkpoint's: characters). */
  unit: 'char' | 'phone' | 'subword'
  /** The project's languages that head does not write: its hypotheses are references there. */
  notWritten: string[]
  /** Long recordings cut into utterances by voice activity detection first. */
  segmented: { recordings: number; utterances: number }
  labelled: number
  /** Utterances that already had hypotheses from this model (the run resumed past them). */
  skipped: number
  failed: { utteranceId: number; message: string }[]
  provider: ExecutionProviderName | null
  providerAttempts: ProviderAttempt[]
  audioSec: number
  /** Time inside session.run; the worker's time on the batches (after the model was loaded); the run's wall time. */
  inferenceMs: number
  workerMs: number
  totalMs: number
}

/** A registered model, as the UI lists it. */
export interface ModelSummary {
  id: string
  name: string
  /** The package's version where it states one: a new release keeps the name. */
  version: string | null
  languages: string[]
  vocabularySize: number
  layout: 'sauti' | 'huggingface'
  /** What its main head writes: characters, phones or subword units. */
  unit: 'char' | 'phone' | 'subword'
  /** The project's languages it does not write: its output is a reference for them (docs/models.md). */
  notWritten: string[]
  /** Its CTC heads: the main one first. */
  heads: { name: string; output: string; vocabularySize: number }[]
  /** Whether adapters can be trained on it: it has a hidden-states output. */
  canAdapt: boolean
  /** Why it labels only, in words; null when it can adapt. */
  labellingOnlyBecause: string | null
  /** Sauti exposed its hidden states at import (the export gave logits only). */
  edited: boolean
  /** What the graph takes: 16 kHz samples, or log-mel features Sauti computes first. */
  input: 'samples' | 'log-mel'
  /** The execution provider chosen when it was registered. */
  provider: ExecutionProviderName
  /** Where it came from: a hub repository (owner/name@revision) or a folder. */
  source: string
}

/**
 * A calibration of word confidence on the dev split (docs/metrics.md): "fitted", confidences
 * are P(word right); "raw", the model's own scores, kept when the dev split is too small.
 */
export interface CalibrationStatus {
  checkpointId: number | null
  status: 'fitted' | 'raw'
  /** The score or scores it reads ("logistic": several together). */
  method: string | null
  devWords: number
  devUtterances: number
  minimumWords: number
  message: string
  /** On the dev words (the fit's own out of fold): how well confidence finds wrong words, and ECE. */
  dev: { rawAuc: number | null; rawEce: number | null; auc: number | null; ece: number | null }
  fittedAt: string
}

/**
 * The fewest dev words a word-confidence calibration is fitted from (core/asr/calibration.ts):
 * shared so the Model screen says the same number before there is any calibration to report it.
 */
export const calibrationMinimumWords = 30

/** A model import's or pull's result. */
export interface ModelRegistration {
  model: ModelSummary
  alreadyRegistered: boolean
  warnings: string[]
}

export interface ErrorRate {
  n: number
  hits: number
  substitutions: number
  deletions: number
  insertions: number
  rate: number
}

export interface EvaluationGroupScore {
  key: string
  utterances: number
  wer: number
  cer: number
  words: Omit<ErrorRate, 'rate'>
}

/** Code-switching scores of a model on the project (docs/metrics.md). */
export interface CodeSwitchEvaluation {
  wer: ErrorRate
  cer: ErrorRate
  mer: ErrorRate
  translitWer: ErrorRate
  pier: Omit<ErrorRate, 'rate'> & { rate: number | null }
  byLanguage: { lang: string; wer: ErrorRate; mer: ErrorRate; translitWer: ErrorRate }[]
  bySwitch: { type: string; from: string; to: string; switches: number; errors: ErrorRate }[]
  byGroup: {
    attribute: string
    value: string
    utterances: number
    wer: ErrorRate
    cer: ErrorRate
    mer: ErrorRate
    translitWer: ErrorRate
    pier: Omit<ErrorRate, 'rate'> & { rate: number | null }
  }[]
}

export interface ProjectEvaluation {
  model: string
  /** The checkpoint whose head wrote the hypotheses; null for the base model's own. */
  checkpointId: number | null
  /** Which transcribed utterances were scored: all, or one split's. */
  split: 'all' | 'train' | 'dev' | 'test'

  utterances: number
  /** Utterances with a reference but no hypothesis from this model (label them first). */
  unlabelled: number
  wer: number
  cer: number
  words: Omit<ErrorRate, 'rate'>
  chars: Omit<ErrorRate, 'rate'>
  bySpeaker: EvaluationGroupScore[]
  byLanguage: EvaluationGroupScore[]
  confidence: { words: number; aucRoc: number | null; ece: number | null; nce: number | null }
  /** MER, transliteration-normalised WER and PIER; per language, switch type and speaker group. */
  codeSwitching: CodeSwitchEvaluation
  perUtterance: {
    utteranceId: number
    speaker: string | null
    language: string | null
    reference: string
    hypothesis: string
    wer: number
    cer: number
  }[]
}
