/**
 * Mini-batches bucketed by length. The adapter and head act on each frame alone, so a batch is
 * its utterances' frames laid end to end (no padding) and CTC runs on each utterance's slice.
 * Sorting by length before chunking keeps a batch's utterances alike, so a frames budget gives
 * batches of similar cost and similar gradient noise.
 */
import type { FloatArray } from './kernels'
import { shuffleInPlace, type Random } from './random'

export interface TrainExample {
  /** Encoder hidden states, [frames × dim] row-major. */
  hidden: FloatArray
  frames: number
  /** Label ids, blank excluded. */
  targets: readonly number[]
}

export interface Batch {
  /** Indices into the example list, in frame order. */
  members: number[]
  /** First frame of each member in `hidden`. */
  offsets: number[]
  frames: number
  /** Total target labels (the loss is divided by this; see trainer.ts). */
  tokens: number
  /** The members' hidden states, concatenated. */
  hidden: FloatArray
}

/**
 * Groups example indices: sorted by frames (ties by index, so the result is deterministic), then
 * cut into consecutive chunks of at most `budget` frames. An example longer than the budget gets
 * a chunk of its own.
 */
export function bucketByLength(frames: readonly number[], budget: number): number[][] {
  const order = frames.map((_, i) => i).sort((a, b) => frames[a]! - frames[b]! || a - b)
  const chunks: number[][] = []
  let current: number[] = []
  let used = 0
  for (const i of order) {
    if (current.length > 0 && used + frames[i]! > budget) {
      chunks.push(current)
      current = []
      used = 0
    }
    current.push(i)
    used += frames[i]!
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

/** Concatenates a chunk's hidden states once, so each epoch reuses them. */
export function makeBatch(
  examples: readonly TrainExample[],
  members: number[],
  dim: number,
  transform?: (hidden: FloatArray, frames: number) => FloatArray,
): Batch {
  let frames = 0
  let tokens = 0
  const offsets: number[] = []
  for (const i of members) {
    offsets.push(frames)
    frames += examples[i]!.frames
    tokens += examples[i]!.targets.length
  }
  const joined = new Float32Array(frames * dim)
  members.forEach((i, k) => {
    const e = examples[i]!
    joined.set(e.hidden.subarray(0, e.frames * dim), offsets[k]! * dim)
  })
  const hidden = transform ? transform(joined, frames) : joined
  return { members, offsets, frames, tokens, hidden }
}

/** The batches in a new order for each epoch (their contents stay fixed). */
export function shuffledBatches<T>(batches: readonly T[], random: Random): T[] {
  return shuffleInPlace([...batches], random)
}
