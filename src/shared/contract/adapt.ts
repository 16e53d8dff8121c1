/**
 * The adaptation room's calls: training, how the queue ranks utterances, the dev and test
 * splits, and scoring the base model or any checkpoint on the project's transcripts.
 */
import { z } from 'zod'
import type {
  AdaptationStatus,
  CheckpointComparison,
  ProjectEvaluation,
  SplitOverview,
} from '../domain'
import { acquisitionStrategies } from '../domain'
import { call, id, modelRef } from './fields'

/** Two models to compare: checkpoints, or one checkpoint and 'base' (its model's own head). */
const comparedPair = z
  .object({
    a: z.union([z.literal('base'), id]),
    b: z.union([z.literal('base'), id]),
    split: z.enum(['dev', 'test']).default('dev'),
  })
  .strict()

export const adaptContract = {
  'train.start': call<{ jobId: string }>()(
    z
      .object({
        /** The model to adapt (id, prefix or name); default: the one that labelled the project last. */
        model: modelRef.optional(),
      })
      .strict(),
    'Train an adapter and CTC head on the corrected utterances, as a background job; then rescore the rest.',
  ),
  'adaptation.status': call<AdaptationStatus>()(
    z.object({}).strict(),
    'Checkpoints with their dev-split scores (the learning curve), the queue strategy and automatic training.',
  ),
  'adaptation.update': call<AdaptationStatus>()(
    z
      .object({
        strategy: z.enum(acquisitionStrategies).optional(),
        autoTrainAfter: z.number().int().min(0).max(100_000).optional(),
        pseudoLabels: z.boolean().optional(),
        /** Decode with a word n-gram of the project's training transcripts when dev shows it helps. */
        languageModel: z.boolean().optional(),
      })
      .strict(),
    'Change how the queue ranks utterances and when training starts by itself.',
  ),
  'splits.show': call<SplitOverview>()(
    z.object({}).strict(),
    'How transcribed audio is divided into train, dev and test: the policy and, per language, the unit held out and what each split holds.',
  ),
  'splits.set': call<SplitOverview>()(
    z
      .object({
        actorId: id,
        unit: z.enum(['auto', 'speaker', 'recording']).optional(),
        devShare: z.number().min(0.05).max(0.4).optional(),
        testShare: z.number().min(0).max(0.4).optional(),
        minDevMinutes: z.number().min(0).max(120).optional(),
        blockMinutes: z.number().min(0.25).max(60).optional(),
        /** Once fixed, the splits change only by being made again from scratch. */
        reassign: z.boolean().default(false),
      })
      .strict(),
    'Choose how splits are made (lead only); fixes them. Fixed splits change only with reassign, which makes them again.',
  ),
  'checkpoint.activate': call<AdaptationStatus>()(
    z
      .object({
        actorId: id,
        /** A checkpoint's id, or 'base': the model's own head, no checkpoint. */
        checkpoint: z.union([z.literal('base'), id]),
        /** For 'base': the model (id, prefix or name); default: the one that labelled last. */
        model: modelRef.optional(),
        /** Why, for the project's record of activations. */
        reason: z.string().trim().min(1).max(500),
      })
      .strict(),
    'Put an earlier checkpoint, or the base model, back in use, saying why (lead only): labelling, the editor and the queue use it at once.',
  ),
  'evaluate.project': call<ProjectEvaluation>()(
    z
      .object({
        model: modelRef,
        /** A checkpoint's id, 'active' (the one in use, else the base model) or 'base'. */
        checkpoint: z.union([z.literal('active'), z.literal('base'), id]).default('active'),
        split: z.enum(['all', 'train', 'dev', 'test']).default('all'),
      })
      .strict(),
    "A model's (or checkpoint's) best hypotheses against the project's transcripts: WER, CER, MER, transliteration-normalised WER, PIER; per speaker, language, switch type and speaker group.",
  ),
  'checkpoint.compare': call<CheckpointComparison>()(
    comparedPair,
    "Two checkpoints (or one and the base model) side by side on the same utterances of today's dev or test split: WER, CER, MER, PIER, per language and speaker, and the utterances they read differently. Decodes nothing: checkpoint.score does.",
  ),
  'checkpoint.score': call<{ jobId: string }>()(
    comparedPair,
    "Decode today's dev or test split with both models where they have not yet, as a background job; the hypotheses are kept for the next comparison.",
  ),
} as const
