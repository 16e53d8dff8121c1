/** The speech recognition room's calls: models, labelling and evaluation. */
import { z } from 'zod'
import type { ModelSummary } from '../domain'
import { call, localPath, modelRef } from './fields'

export const asrContract = {
  'model.list': call<ModelSummary[]>()(
    z.object({}).strict(),
    'Models registered in the data folder.',
  ),
  'label.start': call<{ jobId: string }>()(
    z
      .object({
        model: modelRef,
        nBest: z.number().int().min(1).max(20).default(5),
        beamWidth: z.number().int().min(1).max(256).default(16),
        /** Shallow fusion with a word n-gram from the project's transcripts and these files. */
        lm: z
          .object({
            weight: z.number().min(0).max(5),
            wordBonus: z.number().min(-10).max(10).default(0),
            textFiles: z.array(localPath).max(50).default([]),
          })
          .strict()
          .optional(),
      })
      .strict(),
    'Pseudo-label every utterance that has no hypothesis from this model yet, as a background job.',
  ),
} as const
