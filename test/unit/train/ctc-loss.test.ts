import { describe, expect, it } from 'vitest'
import {
  ctcLoss,
  ctcNegLogLikelihood,
  logSoftmax64,
  minimumFrames,
} from '../../../src/main/core/train/ctc-loss'
import { seededRandom } from '../../../src/main/core/train/random'
import { maxError, reference, toNumber } from './reference'

function randomLogits(seed: number, frames: number, vocab: number, scale = 2): Float64Array {
  const random = seededRandom(seed)
  return Float64Array.from({ length: frames * vocab }, () => random.normal() * scale)
}

/** Central differences of the loss with respect to every logit. */
function numericGradient(
  logits: Float64Array,
  frames: number,
  vocab: number,
  targets: number[],
  blank: number,
  eps = 1e-5,
): Float64Array {
  const grad = new Float64Array(logits.length)
  for (let i = 0; i < logits.length; i++) {
    const keep = logits[i]!
    logits[i] = keep + eps
    const up = ctcNegLogLikelihood(logits, frames, vocab, targets, blank)
    logits[i] = keep - eps
    const down = ctcNegLogLikelihood(logits, frames, vocab, targets, blank)
    logits[i] = keep
    grad[i] = (up - down) / (2 * eps)
  }
  return grad
}

describe('CTC loss against torch.nn.functional.ctc_loss', () => {
  it(`covers the cases the reference was made for (torch ${reference.torch})`, () => {
    const names = reference.ctc.map((c) => c.name)
    expect(names).toContain('repeated labels')
    expect(names).toContain('empty targets')
    expect(names).toContain('triple repeat, minimal frames')
    expect(names).toContain('impossible: too few frames')
    expect(new Set(reference.ctc.map((c) => c.vocab)).size).toBeGreaterThanOrEqual(5)
  })

  for (const c of reference.ctc) {
    it(`${c.name}: T=${c.frames}, V=${c.vocab}, targets [${c.targets.join(' ')}]`, () => {
      const logits = Float64Array.from(c.logits)
      const { loss, grad } = ctcLoss(logits, c.frames, c.vocab, c.targets, c.blank)
      const expected = toNumber(c.loss)
      if (Number.isFinite(expected)) expect(Math.abs(loss - expected)).toBeLessThan(1e-4)
      else expect(loss).toBe(Number.POSITIVE_INFINITY)
      expect(maxError(grad, c.grad)).toBeLessThan(1e-4)
      expect(ctcNegLogLikelihood(logits, c.frames, c.vocab, c.targets, c.blank)).toBe(loss)
    })
  }

  it('gives the same answer from float32 logits, within float32 rounding', () => {
    const c = reference.ctc.find((x) => x.name === 'random, V=12')!
    const { loss, grad } = ctcLoss(Float32Array.from(c.logits), c.frames, c.vocab, c.targets, 0)
    expect(Math.abs(loss - toNumber(c.loss))).toBeLessThan(1e-4)
    expect(maxError(grad, c.grad)).toBeLessThan(1e-5)
  })
})

describe('CTC gradient against finite differences', () => {
  const cases: [string, number, number, number[], number][] = [
    ['distinct labels', 9, 5, [1, 2, 3], 0],
    ['repeats', 8, 4, [2, 2, 3, 3], 0],
    ['minimal frames with repeats', 5, 3, [1, 1, 2], 0],
    ['empty targets', 4, 3, [], 0],
    ['non-zero blank', 7, 6, [0, 0, 4], 5],
    ['large vocabulary', 12, 40, [3, 17, 17, 39, 8], 0],
  ]
  cases.forEach(([name, frames, vocab, targets, blank], k) => {
    it(name, () => {
      const logits = randomLogits(100 + k, frames, vocab)
      const { grad } = ctcLoss(logits, frames, vocab, targets, blank)
      const numeric = numericGradient(logits, frames, vocab, targets, blank)
      expect(maxError(grad, numeric)).toBeLessThan(1e-6)
    })
  })
})

describe('CTC structure', () => {
  it('needs a frame per label and a blank between repeated labels', () => {
    expect(minimumFrames([])).toBe(0)
    expect(minimumFrames([1, 2, 3])).toBe(3)
    expect(minimumFrames([1, 1, 2, 2, 2])).toBe(8)
    const logits = randomLogits(3, 4, 3)
    expect(ctcLoss(logits, 4, 3, [1, 1, 2], 0).loss).toBeLessThan(Infinity)
    expect(ctcLoss(logits, 3, 3, [1, 1, 2], 0).loss).toBe(Infinity)
  })

  it('returns an infinite loss with a zero gradient when the targets cannot fit', () => {
    const logits = randomLogits(4, 3, 5)
    const { loss, grad } = ctcLoss(logits, 3, 5, [1, 2, 3, 4], 0)
    expect(loss).toBe(Number.POSITIVE_INFINITY)
    expect(grad.every((g) => g === 0)).toBe(true)
    expect(grad.length).toBe(15)
  })

  it('sums the probabilities of all alignments (checked by enumeration)', () => {
    const frames = 4
    const vocab = 3
    const logits = randomLogits(5, frames, vocab)
    const logp = logSoftmax64(logits, frames, vocab)
    const targets = [1, 1]
    // Every path of labels; keep those that collapse to the targets.
    let total = 0
    for (let code = 0; code < vocab ** frames; code++) {
      const path: number[] = []
      for (let t = 0, c = code; t < frames; t++, c = Math.floor(c / vocab)) path.push(c % vocab)
      const collapsed = path.filter((v, t) => v !== 0 && v !== path[t - 1])
      if (collapsed.join() !== targets.join()) continue
      total += Math.exp(path.reduce((s, v, t) => s + logp[t * vocab + v]!, 0))
    }
    expect(ctcLoss(logits, frames, vocab, targets, 0).loss).toBeCloseTo(-Math.log(total), 10)
  })

  it('has a gradient whose rows sum to zero (softmax minus a distribution)', () => {
    const frames = 10
    const vocab = 7
    const { grad } = ctcLoss(randomLogits(6, frames, vocab), frames, vocab, [1, 3, 3, 6], 0)
    for (let t = 0; t < frames; t++) {
      let sum = 0
      for (let v = 0; v < vocab; v++) sum += grad[t * vocab + v]!
      expect(Math.abs(sum)).toBeLessThan(1e-12)
    }
  })

  it('stays finite for long utterances with confident logits', () => {
    const frames = 600
    const vocab = 30
    const targets = Array.from({ length: 200 }, (_, i) => 1 + (i % 29))
    const { loss, grad } = ctcLoss(randomLogits(7, frames, vocab, 20), frames, vocab, targets, 0)
    expect(Number.isFinite(loss)).toBe(true)
    expect(grad.every(Number.isFinite)).toBe(true)
  })

  it('refuses a blank or out-of-range label in the targets', () => {
    const logits = randomLogits(8, 5, 4)
    expect(() => ctcLoss(logits, 5, 4, [1, 0], 0)).toThrow(/blank or outside/)
    expect(() => ctcLoss(logits, 5, 4, [4], 0)).toThrow(/blank or outside/)
  })
})
