import { z } from 'zod'
import { acquisitionStrategies, type AcquisitionStrategy } from '../../../shared/domain'
import type { WriteDb } from '../db/connection'
import { DEFAULT_BOTTLENECK } from '../train/adapter-head'
import { defaultTrainOptions } from '../train/trainer'
import type { TrainHyperparameters } from './train-protocol'

export { acquisitionStrategies, type AcquisitionStrategy }

/** A project's adaptation settings, kept in project_meta under "adaptation" (JSON). */
export const adaptationSettingsSchema = z.object({
  /** Train automatically after this many new corrections; 0 turns automatic training off. */
  autoTrainAfter: z.number().int().min(0).max(100_000).default(25),
  /** How the "most useful first" queue order ranks utterances (docs/active-learning.md). */
  strategy: z.enum(acquisitionStrategies).default('hybrid'),
  /** Let confident machine transcripts join training (off until the dev split supports it). */
  pseudoLabels: z.boolean().default(false),
  /** Transcribed dev utterances needed before pseudo-labels are trusted. */
  pseudoLabelMinDev: z.number().int().min(5).max(100_000).default(20),
  /** Bootstrap heads for committee disagreement (0: none). */
  committee: z.number().int().min(0).max(8).default(3),
  /**
   * Decode with a word n-gram of the project's own training transcripts when the dev check
   * shows it helps (the weight is chosen on dev, none among the choices).
   */
  languageModel: z.boolean().default(true),
  // Defaults measured on held-out Swahili (docs/training.md), the trainer's own defaults.
  bottleneck: z.number().int().min(0).max(1024).default(DEFAULT_BOTTLENECK),
  learningRate: z.number().positive().max(1).default(defaultTrainOptions.learningRate),
  adapterLearningRate: z
    .number()
    .positive()
    .max(1)
    .default(defaultTrainOptions.adapterLearningRate),
  weightDecay: z.number().min(0).max(1).default(defaultTrainOptions.weightDecay),
  clipNorm: z.number().positive().default(defaultTrainOptions.clipNorm),
  batchFrames: z.number().int().min(100).max(100_000).default(defaultTrainOptions.batchFrames),
  maxEpochs: z.number().int().min(1).max(1000).default(defaultTrainOptions.maxEpochs),
  patience: z.number().int().min(1).max(100).default(defaultTrainOptions.patience),
  headWarmupEpochs: z.number().int().min(0).max(100).default(defaultTrainOptions.headWarmupEpochs),
  seed: z.number().int().min(0).default(1),
})
export type AdaptationSettings = z.infer<typeof adaptationSettingsSchema>

export function adaptationSettings(db: WriteDb): AdaptationSettings {
  const row = db.prepare("SELECT value FROM project_meta WHERE key = 'adaptation'").get() as
    { value: string } | undefined
  const stored = row ? (JSON.parse(row.value) as unknown) : {}
  const parsed = adaptationSettingsSchema.safeParse(stored)
  return parsed.success ? parsed.data : adaptationSettingsSchema.parse({})
}

export function updateAdaptationSettings(
  db: WriteDb,
  patch: Partial<AdaptationSettings>,
): AdaptationSettings {
  const next = adaptationSettingsSchema.parse({ ...adaptationSettings(db), ...patch })
  db.prepare(
    "INSERT INTO project_meta (key, value) VALUES ('adaptation', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  ).run(JSON.stringify(next))
  return next
}

/** The training worker's hyper-parameters from the project's settings. */
export function hyperparameters(
  settings: AdaptationSettings,
  overrides: Partial<TrainHyperparameters> = {},
): TrainHyperparameters {
  return {
    bottleneck: settings.bottleneck,
    learningRate: settings.learningRate,
    adapterLearningRate: settings.adapterLearningRate,
    weightDecay: settings.weightDecay,
    clipNorm: settings.clipNorm,
    batchFrames: settings.batchFrames,
    maxEpochs: settings.maxEpochs,
    patience: settings.patience,
    headWarmupEpochs: settings.headWarmupEpochs,
    seed: settings.seed,
    ...overrides,
  }
}
