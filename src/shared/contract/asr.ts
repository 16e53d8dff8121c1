/** The speech recognition room's calls: models, labelling and evaluation. */
import { z } from 'zod'
import type { ModelSummary, UtteranceDetail, WordTier } from '../domain'
import { call, id, localPath, modelRef } from './fields'

/** A file's path inside a model folder or hub repository (onnx/model.onnx), never outside it. */
const fileInRepository = z
  .string()
  .min(1)
  .max(300)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'a path inside the folder')
const language = z.string().min(1).max(35)

export const asrContract = {
  'model.list': call<ModelSummary[]>()(
    z.object({}).strict(),
    'Models registered in the data folder.',
  ),
  'model.import': call<{ jobId: string }>()(
    z
      .object({
        dir: localPath,
        file: fileInRepository.optional(),
        language: language.optional(),
      })
      .strict(),
    'Validate a model folder (a Sauti package or a Hugging Face / NeMo ONNX export) and register it, as a background job.',
  ),
  'model.pull': call<{ jobId: string }>()(
    z
      .object({
        repo: z
          .string()
          .min(1)
          .max(200)
          .regex(/^[\w.-]+(\/[\w.-]+)?$/, 'owner/name'),
        revision: z.string().min(1).max(200).optional(),
        file: fileInRepository.optional(),
        language: language.optional(),
        hubUrl: z.url().max(500).optional(),
        token: z.string().min(1).max(500).optional(),
      })
      .strict(),
    "Download a hub repository's ONNX export (resumable, verified) and register it, as a background job.",
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
    'Pseudo-label every utterance that has no hypothesis from this model for its span as it is now, as a background job.',
  ),
  'utterance.align': call<{ wordTier: WordTier | null }>()(
    z.object({ id, actorId: id.optional() }).strict(),
    "Align the text of the utterance's newest revision to its audio (forced alignment with the model that labelled it, in the worker) unless its writer set word times that still fit the utterance; answers the word tier the editor shows.",
  ),
  'utterance.decode': call<{ decoded: boolean; model: string | null; detail: UtteranceDetail }>()(
    z.object({ id, actorId: id.optional() }).strict(),
    "Decode the utterance's span as it is now (after an edge moved, a split or a merge) with the model that labelled it, as labelling does (its active checkpoint, the labelling's N-best, beam and language model; in the worker), unless that head decoded this span already; answers whether it decoded, the model, and the utterance as the editor shows it.",
  ),
} as const
