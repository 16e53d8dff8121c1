/**
 * Decoding today's dev or test split with both heads of a comparison, where they have not
 * decoded it yet (the split grew, or a checkpoint was never used). Runs as a job in the
 * inference worker; what it decodes is kept as each head's record (result-store.ts `asRecord`),
 * so the next comparison reads it instead of decoding again.
 */
import type { ComparisonScoring } from '../../../shared/domain'
import { SautiError } from '../../../shared/errors'
import { said } from '../../../shared/messages'
import { resultStore } from '../asr/result-store'
import type { UtteranceResult } from '../asr/transcribe-options'
import type { JobContext } from '../jobs'
import { comparedPair, decodedBy, splitUtterances, type Head } from './compare-checkpoints'
import type { AdaptContext } from './features'
import { decodeWithBase, decodeWithCheckpoint } from './head-decoding'

export interface ScoringRequest {
  a: number | 'base'
  b: number | 'base'
  split: ComparisonScoring['split']
}

/**
 * Refuses, saying why, what the job could not do: a tainted checkpoint is not run again (its
 * speakers withdrew their consent to training), and a checkpoint's file must still be there.
 */
export function checkScoring(pair: { a: Head; b: Head }, exists: (path: string) => boolean): void {
  for (const head of [pair.a, pair.b]) {
    if (head.status === 'tainted')
      throw new SautiError(
        'conflict',
        `checkpoint ${head.checkpointId} is not run again: it was trained on a speaker who withdrew consent. Its figures so far can still be compared.`,
      )
    if (head.file && !exists(head.file.path))
      throw new SautiError(
        'not_found',
        `checkpoint ${head.checkpointId}'s file is missing (${head.file.path}), so it cannot decode`,
      )
  }
}

/** Decodes what each head lacks of today's split, with progress and cancellation. */
export async function scoreForComparison(
  ctx: AdaptContext,
  request: ScoringRequest,
  job: JobContext,
): Promise<ComparisonScoring> {
  const { db } = ctx
  const pair = comparedPair(db, request.a, request.b)
  const today = splitUtterances(db, request.split)
  const pending = [pair.a, pair.b].map((head) => {
    const decoded = decodedBy(db, pair.model.id, head, request.split)
    return today.filter((u) => !decoded.has(u.utteranceId))
  })
  const total = pending[0]!.length + pending[1]!.length
  const label = said('decodingSplit', { split: request.split })
  job.progress(0, total, label)
  const decoded = [0, 0]
  let before = 0
  for (const [i, head] of [pair.a, pair.b].entries()) {
    const store = resultStore(db, pair.model.id, head.checkpointId, { asRecord: true })
    const has = db.prepare(
      `SELECT 1 FROM hypothesis
       WHERE utterance_id = ? AND model_id = ? AND checkpoint_id IS ? AND start_sec = ? AND end_sec = ?`,
    )
    // Another job (a training's rescoring) may have decoded the same span meanwhile: keep the first.
    const keep = (results: UtteranceResult[]): void => {
      const fresh = results.filter(
        (r) => !has.get(r.utteranceId, pair.model.id, head.checkpointId, r.startSec, r.endSec),
      )
      store(fresh)
      decoded[i]! += fresh.length
    }
    const control = {
      signal: job.signal,
      onBatch: (done: number) => job.progress(before + done, total, label),
    }
    if (head.file)
      await decodeWithCheckpoint(
        ctx,
        { id: head.checkpointId!, ...head.file },
        pending[i]!,
        keep,
        control,
      )
    else await decodeWithBase(ctx, pending[i]!, keep, control)
    before += pending[i]!.length
  }
  job.progress(total, total, label)
  return { split: request.split, decoded: { a: decoded[0]!, b: decoded[1]! } }
}
