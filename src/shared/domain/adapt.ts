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
