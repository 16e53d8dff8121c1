/** Adaptation: training runs, checkpoints and the "most useful first" order (docs/active-learning.md). */
import type { CalibrationStatus } from './asr'

export type Split = 'train' | 'dev' | 'test'

/** Dev-split scores of a head (greedy decoding, normalised text; docs/training.md). */
export interface DevScores {
  utterances: number
  cer: number
  wer: number
}

/** What a training run did (docs/active-learning.md). */
/** What a split holds out whole: a speaker, or a stretch of a recording (docs/active-learning.md). */
export type SplitUnitKind = 'speaker' | 'recording'

/** How a project's transcribed audio is divided into train, dev and test, per language. */
export interface SplitOverview {
  policy: {
    unit: 'auto' | SplitUnitKind
    devShare: number
    testShare: number
    minDevMinutes: number
    blockMinutes: number
    /** When the splits were fixed (a lead chose them, or the first training compared on them). */
    fixedAt: string | null
    fixedBy: string | null
  }
  languages: {
    language: string
    unit: SplitUnitKind | null
    splits: Record<'train' | 'dev' | 'test', { units: number; utterances: number; minutes: number }>
  }[]
}

export interface TrainSummary {
  runId: number
  /** The checkpoint it made; null when cancelled. */
  checkpointId: number | null
  /** False when it was worse than its parent on the dev split (kept, not used). */
  activated: boolean
  /** One sentence for the user: what happened and the dev-split change. */
  message: string
  trainUtterances: number
  devUtterances: number
  testUtterances: number
  /** Seconds of human-corrected audio in the training split. */
  correctedSec: number
  dev: DevScores | null
  parentDev: DevScores | null
  trainMs: number
  /** Training utterances left out: too short for their transcript. */
  skipped: number[]
  /** Utterances given new hypotheses by the new checkpoint. */
  rescored: number
  /** Machine transcripts it also trained on (off unless the project turns them on). */
  pseudoLabels: number
  /** The confidence they had to reach, chosen on the dev split for WER ≤ 10 %. */
  pseudoLabelThreshold: number | null
}

/**
 * One candidate of a training run's rate trial: the learning-rate scale of what the run inherited
 * (the parent's adapter and rows, or the base model's head rows) and the dev CER (greedy) after
 * its first epoch at that scale (docs/training.md, "Continued training").
 */
export interface RateTrialScore {
  scale: number
  devCer: number | null
}

/** A checkpoint, as the learning curve and the model panel show it. */
export interface CheckpointSummary {
  id: number
  parentId: number | null
  status: 'active' | 'inactive' | 'tainted'
  taintedReason: string | null
  createdAt: string
  trainUtterances: number
  /** Seconds of transcribed audio it trained on (people's corrections and imported transcripts). */
  trainSec: number
  /** Of which corrected by annotators in Sauti. */
  correctedSec: number
  dev: DevScores | null
  parentDev: DevScores | null
  /** Speakers whose consent it was trained under. */
  speakers: number
  /** The learning-rate scale its inherited rows stepped at; null: nothing inherited, or unrecorded. */
  inheritedScale: number | null
  /** The rate trial that chose it (empty: no trial ran, or unrecorded). */
  rateTrial: RateTrialScore[]
}

/** A lead put a checkpoint (or the base model) in use (docs/training.md, "Rolling back"). */
export interface CheckpointActivation {
  at: string
  modelId: number
  /** The checkpoint in use before; null: the base model. */
  from: number | null
  /** The checkpoint put in use; null: the base model. */
  to: number | null
  byId: number
  by: string
  reason: string
}

/** How the "most useful first" order ranks utterances (docs/active-learning.md). */
export const acquisitionStrategies = [
  'hybrid',
  'least_confidence',
  'entropy',
  'margin',
  'committee',
  'diversity',
  'cost',
  'random',
  'file',
] as const
export type AcquisitionStrategy = (typeof acquisitionStrategies)[number]

/** Why an utterance sits where it does in the "most useful first" order. */
export interface PriorityReason {
  strategy: AcquisitionStrategy
  measure:
    | 'least_confidence'
    | 'entropy'
    | 'margin'
    | 'disagreement'
    | 'distance'
    | 'typicality'
    | 'per_second'
    | 'random'
    | 'none'
  value: number | null
  cluster?: number
  clusters?: number
  rankInCluster?: number
  speakerCorrected?: number
  /** Hybrid: of the reviewed utterances in its cluster, how many were flagged (0: left out)… */
  nearFlagged?: number
  /** …of how many reviewed there. */
  nearReviewed?: number
  /** Hybrid: the reviewed utterance most like it in its cluster was flagged (so it waits). */
  likeFlagged?: boolean
  phase?: 'diverse' | 'uncertain'
}

/** The project's adaptation state, for the model panel. */
export interface AdaptationStatus {
  strategy: AcquisitionStrategy
  autoTrainAfter: number
  /** Corrections since the last training run started. */
  newCorrections: number
  training: boolean
  activeCheckpoint: number | null
  checkpoints: CheckpointSummary[]
  /** Checkpoints leads put back in use, with why, oldest first. */
  activations: CheckpointActivation[]
  /** Labelled utterances whose speakers' consent keeps them out of training. */
  withoutTrainingConsent: number
  /** What correcting the model's hypotheses has cost the annotators, as corrections came in. */
  annotatorCost: AnnotatorCostCurve
  /** How word confidence of the head in use was calibrated; null before any fit. */
  calibration: CalibrationStatus | null
}

/**
 * The annotator's cost (docs/metrics.md): per stretch of corrected minutes, the mean character
 * edit distance from the hypothesis shown to the transcript saved, relative to its length
 * (typing from scratch is 1), and the estimated keystrokes as a share of typing from scratch.
 */
export interface AnnotatorCostCurve {
  corrections: number
  points: AnnotatorCostPoint[]
  byLanguage: { language: string; points: AnnotatorCostPoint[] }[]
}

export interface AnnotatorCostPoint {
  /** Corrected minutes up to the end of this stretch. */
  minutes: number
  corrections: number
  /** Edits ÷ characters saved, over the stretch's corrections (character-weighted). */
  cost: number
  /** Estimated keystrokes ÷ keystrokes to type the same text from scratch. */
  keystrokeShare: number
}

/** Either side of a comparison: a checkpoint, or the base model's own head. */
export type ComparedHead = number | 'base'

/** One side's figures on the utterances both sides decoded. */
export interface ComparedScores {
  wer: number
  cer: number
  /** Mixed error rate: WER with words matched across scripts and transliterations. */
  mer: number
  /** Errors on the words outside the utterance's own language; null without language tags. */
  pier: number | null
}

/** One side of a comparison (docs/training.md, "Comparing two models"). */
export interface ComparedModel {
  /** null: the base model, no checkpoint. */
  checkpointId: number | null
  status: 'active' | 'inactive' | 'tainted'
  /** The dev figures recorded when it was trained (the base model: as its first child measured it). */
  recordedDev: DevScores | null
  /** Utterances of today's split it has decoded (kept, so they are not decoded again). */
  decoded: number
  scores: ComparedScores
}

/** A group's figures for both sides, on the same utterances. */
export interface ComparedGroup {
  key: string
  utterances: number
  a: { wer: number; cer: number }
  b: { wer: number; cer: number }
}

/** WER on the reference words tagged with one language (code-switched projects). */
export interface ComparedWordLanguage {
  lang: string
  words: number
  a: number
  b: number
}

/** One aligned position of the two hypotheses and the reference (the adjudication's alignment). */
export interface ComparedWord {
  reference: string | null
  a: string | null
  b: string | null
  /** A and B write the same word here under the project's normalisation. */
  same: boolean
  aRight: boolean
  bRight: boolean
}

/** An utterance the two read differently: the reference, both hypotheses and how far each is off. */
export interface ComparedUtterance {
  utteranceId: number
  speaker: string | null
  language: string | null
  reference: string
  a: { text: string; wer: number; cer: number }
  b: { text: string; wer: number; cer: number }
  words: ComparedWord[]
}

/**
 * Two models side by side on the same utterances of today's dev or test split: the figures,
 * per language and speaker, and the utterances they read differently.
 */
export interface CheckpointComparison {
  model: string
  split: 'dev' | 'test'
  a: ComparedModel
  b: ComparedModel
  /** Transcribed utterances in today's split. */
  splitUtterances: number
  /** Of those, decoded by both: every figure here is on these same utterances. */
  common: number
  /**
   * The dev figures recorded at training were measured on different dev sets (the split grew or
   * changed since), so only the figures on today's split compare the two.
   */
  recordedApart: boolean
  /** The figure the better one is judged on: WER, unless both are saturated (then CER). */
  metric: 'wer' | 'cer'
  /** Lower on that figure; 'tie' when equal; null when no utterance was decoded by both. */
  better: 'a' | 'b' | 'tie' | null
  byLanguage: ComparedGroup[]
  bySpeaker: ComparedGroup[]
  /** Per language of the reference words; empty unless the project tags languages. */
  byWordLanguage: ComparedWordLanguage[]
  /** Utterances the two read differently (after the project's normalisation). */
  differing: number
  /**
   * Those that differ most (at most 200), B's worst regressions first: by B's WER minus A's,
   * then CER, so B's best gains come last.
   */
  utterances: ComparedUtterance[]
}

/** What a scoring job decoded for a comparison. */
export interface ComparisonScoring {
  split: 'dev' | 'test'
  /** Hypotheses decoded now, per side (the rest were kept from before). */
  decoded: { a: number; b: number }
}
