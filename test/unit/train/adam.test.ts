import { describe, expect, it } from 'vitest'
import { AdamW, clipGradientNorm, gradientNorm } from '../../../src/main/core/train/adam'
import { maxError, reference } from './reference'

const ref = reference.adamw

/** Runs the reference problem, 0.5 · Σ a (p − c)², for ref.steps steps. */
function run(maxGradNorm?: number): { trajectory: number[][]; norms: number[] } {
  const params = Float64Array.from(ref.p0)
  const decay = Uint8Array.from(ref.p0, (_, i) => (i < ref.decayed ? 1 : 0))
  const optimizer = new AdamW(
    params.length,
    {
      lr: ref.lr,
      beta1: ref.beta1,
      beta2: ref.beta2,
      eps: ref.eps,
      weightDecay: ref.weightDecay,
      maxGradNorm,
    },
    decay,
  )
  const trajectory: number[][] = []
  const norms: number[] = []
  for (let s = 0; s < ref.steps; s++) {
    const grads = params.map((p, i) => ref.a[i]! * (p - ref.c[i]!))
    norms.push(optimizer.step(params, grads).gradNorm)
    trajectory.push([...params])
  }
  return { trajectory, norms }
}

describe('AdamW against torch.optim.AdamW', () => {
  it('follows the same trajectory, decay only where the mask says', () => {
    const { trajectory } = run()
    trajectory.forEach((p, s) =>
      expect(maxError(p, ref.trajectory[s]!), `step ${s}`).toBeLessThan(1e-6),
    )
  })

  it('follows the same trajectory with clip_grad_norm_ before each step', () => {
    const { trajectory, norms } = run(ref.maxNorm)
    trajectory.forEach((p, s) =>
      expect(maxError(p, ref.clippedTrajectory[s]!), `step ${s}`).toBeLessThan(1e-6),
    )
    expect(maxError(norms, ref.clippedNorms)).toBeLessThan(1e-6)
    // Clipping changes the path: the reference problem's gradients are all above the limit.
    expect(
      maxError(ref.clippedTrajectory[ref.steps - 1]!, ref.trajectory[ref.steps - 1]!),
    ).toBeGreaterThan(1e-3)
  })
})

describe('gradient clipping', () => {
  it('scales the gradients down to the limit, keeping their direction', () => {
    const grads = Float64Array.from([3, -4, 0, 12])
    const info = clipGradientNorm(grads, 6.5)
    expect(info).toEqual({ gradNorm: 13, clipped: true })
    expect(gradientNorm(grads)).toBeCloseTo(6.5, 5)
    expect(grads[0]! / grads[1]!).toBeCloseTo(-0.75, 12)
  })

  it('leaves gradients under the limit alone', () => {
    const grads = Float32Array.from([0.3, 0.4])
    expect(clipGradientNorm(grads, 1)).toEqual({ gradNorm: expect.closeTo(0.5, 6), clipped: false })
    expect([...grads]).toEqual([Math.fround(0.3), Math.fround(0.4)])
  })

  it('decays weights by lr · weightDecay even with zero gradients, and never the masked ones', () => {
    const params = Float32Array.from([1, 1])
    const optimizer = new AdamW(2, { lr: 0.1, weightDecay: 0.5 }, Uint8Array.from([1, 0]))
    optimizer.step(params, new Float64Array(2))
    expect(params[0]).toBeCloseTo(0.95, 6)
    expect(params[1]).toBe(1)
    expect(optimizer.stepCount).toBe(1)
  })

  it('scales the step per parameter by lrScale, and a scale of 1 changes nothing', () => {
    const grads = Float64Array.from([0.2, -0.7, 0.05])
    const plain = Float32Array.from([1, 2, 3])
    const scaled = Float32Array.from([1, 2, 3])
    const half = Float32Array.from([1, 2, 3])
    const options = { lr: 0.01, weightDecay: 0.1 }
    new AdamW(3, options).step(plain, grads.slice())
    new AdamW(3, options, undefined, Float32Array.from([1, 1, 1])).step(scaled, grads.slice())
    new AdamW(3, options, undefined, Float32Array.from([0.5, 0, 1])).step(half, grads.slice())
    expect([...scaled]).toEqual([...plain])
    // Adam's first step moves each parameter by about lr (times its scale) against its gradient.
    expect(1 - half[0]!).toBeCloseTo(0.5 * (1 - plain[0]!), 5)
    expect(half[1]).toBe(2)
    expect(half[2]).toBe(plain[2])
    expect(() => new AdamW(3, options, undefined, new Float32Array(2))).toThrow(/lrScale/)
  })
})
