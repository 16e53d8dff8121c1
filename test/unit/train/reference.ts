/**
 * PyTorch reference values (test/fixtures/train/make-reference.py → ctc-reference.json).
 * Infinite losses are stored as the string "inf" (JSON has no infinity).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

type JsonNumber = number | 'inf'

export interface CtcReferenceCase {
  name: string
  frames: number
  vocab: number
  blank: number
  targets: number[]
  logits: number[]
  loss: JsonNumber
  grad: number[]
}

export interface AdapterHeadReference {
  shape: { dim: number; bottleneck: number; vocab: number }
  blank: number
  params: number[]
  utterances: {
    frames: number
    targets: number[]
    hidden: number[]
    logits: number[]
    inputGrad: number[]
  }[]
  loss: number
  grads: number[]
}

export interface AdamWReference {
  p0: number[]
  a: number[]
  c: number[]
  decayed: number
  lr: number
  beta1: number
  beta2: number
  eps: number
  weightDecay: number
  steps: number
  trajectory: number[][]
  maxNorm: number
  clippedTrajectory: number[][]
  clippedNorms: number[]
}

export interface Reference {
  torch: string
  ctc: CtcReferenceCase[]
  adapterHead: AdapterHeadReference
  adamw: AdamWReference
}

export const reference = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/train/ctc-reference.json'), 'utf8'),
) as Reference

export const toNumber = (value: JsonNumber): number =>
  value === 'inf' ? Number.POSITIVE_INFINITY : value

/** Largest |a − b| / max(1, |b|): absolute for small values, relative for large ones. */
export function maxError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length)
    throw new Error(`length ${actual.length} ≠ expected ${expected.length}`)
  let worst = 0
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!
    worst = Math.max(worst, Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e)))
  }
  return worst
}
