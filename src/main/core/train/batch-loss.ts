/** The CTC losses the trainer reads off a batch: training's (with its gradient) and dev's. */
import { forward, type AdapterHeadParams } from './adapter-head'
import type { Batch, TrainExample } from './batches'
import { ctcLoss, ctcNegLogLikelihood } from './ctc-loss'

/** Sum of CTC losses over a batch and the gradient of (sum / labels) with respect to logits. */
export function batchLoss(
  batch: Batch,
  examples: readonly TrainExample[],
  logits: Float64Array,
  vocab: number,
  blank: number,
): { sum: number; gradLogits: Float64Array } {
  const gradLogits = new Float64Array(logits.length)
  const scale = 1 / Math.max(1, batch.tokens)
  let sum = 0
  batch.members.forEach((index, k) => {
    const e = examples[index]!
    const start = batch.offsets[k]! * vocab
    const slice = logits.subarray(start, start + e.frames * vocab)
    const { loss, grad } = ctcLoss(slice, e.frames, vocab, e.targets, blank)
    if (!Number.isFinite(loss)) return
    sum += loss
    for (let i = 0; i < grad.length; i++) gradLogits[start + i] = grad[i]! * scale
  })
  return { sum, gradLogits }
}

/** Dev loss per target label over all feasible dev utterances. */
export function devLoss(
  params: AdapterHeadParams,
  batch: Batch | null,
  examples: readonly TrainExample[],
  blank: number,
): number | null {
  if (!batch || batch.members.length === 0) return null
  const vocab = params.shape.vocab
  const logits = forward(params, batch.hidden, batch.frames)
  let sum = 0
  batch.members.forEach((index, k) => {
    const e = examples[index]!
    const start = batch.offsets[k]! * vocab
    sum += ctcNegLogLikelihood(
      logits.subarray(start, start + e.frames * vocab),
      e.frames,
      vocab,
      e.targets,
      blank,
    )
  })
  return sum / Math.max(1, batch.tokens)
}
