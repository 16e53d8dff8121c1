/**
 * Decoding transcribed utterances again with one head, as the annotator would see its output:
 * scoring a model (evaluate-checkpoint.ts) and comparing two (compare-scoring.ts) decode
 * through here, so both read exactly what rescoring and labelling store.
 */
import { scriptMask } from '../asr/labeller'
import { defaultTranscribeOptions, type UtteranceResult } from '../asr/transcribe-options'
import { pcmPath } from '../project/paths'
import {
  checkpointLanguageModelOptions,
  ensureHiddenStates,
  type AdaptContext,
  type SpanOf,
} from './features'
import { hiddenCacheDir } from './hidden-cache'
import type { LanguageModelWeight } from './train-protocol'

/** An utterance to decode: its place in its recording, and its language (for the script mask). */
export type DecodeSpan = SpanOf & { language: string | null }

export interface DecodeControl {
  signal?: AbortSignal
  /** After each batch: how many of the spans are decoded. */
  onBatch?: (done: number) => void
}

/**
 * Utterances per request to the worker: the unit of progress and of cancellation. A checkpoint's
 * head decodes cached encoder states, a few milliseconds each, so 16 still make the worker's
 * round trip small beside the work, and Cancel takes effect within a second or two of real
 * speech (64 made a dev split of 60 utterances one step that Cancel could not stop). The base
 * model runs the encoder as well, so its steps are smaller again.
 */
const BATCH = 16
const BASE_BATCH = 8

/**
 * Decodes with a checkpoint's head as rescoring does (rescore.ts: beam search, confidences and
 * the checkpoint's own language model over the cached encoder states), running the encoder
 * first where a batch has no cached states. `each` gets every batch's results.
 */
export async function decodeWithCheckpoint(
  ctx: AdaptContext,
  checkpoint: { id: number; path: string; lm: LanguageModelWeight },
  spans: SpanOf[],
  each: (results: UtteranceResult[]) => void,
  control: DecodeControl = {},
): Promise<void> {
  const dir = hiddenCacheDir(ctx.paths)
  const options = {
    ...defaultTranscribeOptions,
    hiddenDir: dir,
    lm: checkpointLanguageModelOptions(ctx.db, checkpoint.id, checkpoint.lm),
  }
  await inBatches(spans, BATCH, each, control, async (batch) => {
    await ensureHiddenStates(ctx, batch)
    const out = await ctx.inference.rescore({
      modelKey: ctx.model.id,
      modelSha256: ctx.model.registration.sha256,
      hiddenDir: dir,
      checkpoint: { id: checkpoint.id, path: checkpoint.path },
      committee: [],
      items: batch.map((s) => ({
        utteranceId: s.utteranceId,
        pcmPath: pcmPath(ctx.paths, s.recordingSha256),
        startSec: s.startSec,
        endSec: s.endSec,
      })),
      options,
    })
    return out.results
  })
}

/**
 * Decodes with the model's own head as labelling does with its default settings (beam search,
 * each utterance's script mask, no language model). `each` gets every batch's results.
 */
export async function decodeWithBase(
  ctx: AdaptContext,
  spans: DecodeSpan[],
  each: (results: UtteranceResult[]) => void,
  control: DecodeControl = {},
): Promise<void> {
  const scriptsOf = scriptMask(ctx.db)
  const options = {
    ...defaultTranscribeOptions,
    hiddenDir: hiddenCacheDir(ctx.paths),
    stagingDir: ctx.paths.stagingDir,
  }
  await inBatches(spans, BASE_BATCH, each, control, async (batch) => {
    const out = await ctx.inference.transcribe(
      ctx.model.dir,
      ctx.model.id,
      batch.map((s) => ({
        utteranceId: s.utteranceId,
        pcmPath: pcmPath(ctx.paths, s.recordingSha256),
        startSec: s.startSec,
        endSec: s.endSec,
        scripts: scriptsOf(s.language),
      })),
      options,
      ctx.settings,
    )
    return out.results
  })
}

/**
 * Decodes `spans` a batch at a time: cancelling stops before the next batch, and after each one
 * `each` gets its results and `onBatch` how many spans are done.
 */
async function inBatches<S>(
  spans: S[],
  size: number,
  each: (results: UtteranceResult[]) => void,
  control: DecodeControl,
  decode: (batch: S[]) => Promise<UtteranceResult[]>,
): Promise<void> {
  for (let i = 0; i < spans.length; i += size) {
    if (control.signal?.aborted) return
    const batch = spans.slice(i, i + size)
    each(await decode(batch))
    control.onBatch?.(i + batch.length)
  }
}
