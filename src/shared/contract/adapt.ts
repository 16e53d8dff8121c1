/** The adaptation room's calls: training and how the queue ranks utterances. */
import { z } from 'zod'
import type { AdaptationStatus } from '../domain'
import { acquisitionStrategies } from '../domain'
import { call, modelRef } from './fields'

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
      })
      .strict(),
    'Change how the queue ranks utterances and when training starts by itself.',
  ),
} as const
