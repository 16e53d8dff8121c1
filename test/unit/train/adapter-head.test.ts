import { describe, expect, it } from 'vitest'
import {
  applyAdapter,
  backward,
  decayMask,
  forward,
  forwardWithActivations,
  initParams,
  parameterCount,
  parameterLayout,
  posteriors,
  tensorViews,
  type AdapterHeadParams,
  type AdapterHeadShape,
} from '../../../src/main/core/train/adapter-head'
import { ctcLoss, ctcNegLogLikelihood } from '../../../src/main/core/train/ctc-loss'
import { seededRandom } from '../../../src/main/core/train/random'
import { maxError, reference } from './reference'

interface Utterance {
  hidden: Float64Array
  frames: number
  targets: number[]
}

/** Sum of the utterances' CTC losses / number of target labels (the trainer's batch loss). */
function batchLoss(params: AdapterHeadParams, utterances: Utterance[], blank: number): number {
  const tokens = utterances.reduce((n, u) => n + u.targets.length, 0)
  let sum = 0
  for (const u of utterances) {
    const logits = forward(params, u.hidden, u.frames)
    sum += ctcNegLogLikelihood(logits, u.frames, params.shape.vocab, u.targets, blank)
  }
  return sum / tokens
}

/** Analytic gradients of batchLoss: parameters, and each utterance's input. */
function batchGradients(
  params: AdapterHeadParams,
  utterances: Utterance[],
  blank: number,
  adapter = true,
): { grads: Float64Array; inputs: Float64Array[] } {
  const tokens = utterances.reduce((n, u) => n + u.targets.length, 0)
  const grads = new Float64Array(params.data.length)
  const inputs = utterances.map((u) => {
    const acts = forwardWithActivations(params, u.hidden, u.frames)
    const { grad } = ctcLoss(acts.logits, u.frames, params.shape.vocab, u.targets, blank)
    for (let i = 0; i < grad.length; i++) grad[i] = grad[i]! / tokens
    return backward(params, acts, grad, grads, { input: true, adapter })!
  })
  return { grads, inputs }
}

function numeric(values: Float64Array, loss: () => number, eps = 1e-6): Float64Array {
  const grad = new Float64Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const keep = values[i]!
    values[i] = keep + eps
    const up = loss()
    values[i] = keep - eps
    const down = loss()
    values[i] = keep
    grad[i] = (up - down) / (2 * eps)
  }
  return grad
}

/** Float64 parameters with every tensor random (a fresh adapter's zero up-projection would hide
 * the down-projection's and LayerNorm's gradients). */
function randomParams(shape: AdapterHeadShape, seed: number): AdapterHeadParams {
  const random = seededRandom(seed)
  const data = Float64Array.from({ length: parameterCount(shape) }, () => random.normal() * 0.5)
  const norm = tensorViews(shape, data)['adapter.norm.weight']
  if (norm) for (let i = 0; i < norm.length; i++) norm[i] = 1 + norm[i]! * 0.3
  return { shape, data }
}

function randomUtterances(dim: number, seed: number, vocab: number): Utterance[] {
  const random = seededRandom(seed)
  return [
    { frames: 6, targets: [1, 2, 2] },
    { frames: 4, targets: [vocab - 1] },
    { frames: 3, targets: [] },
  ].map((u) => ({
    ...u,
    hidden: Float64Array.from({ length: u.frames * dim }, () => random.normal()),
  }))
}

describe('adapter + head gradients against finite differences', () => {
  const shapes: AdapterHeadShape[] = [
    { dim: 5, bottleneck: 3, vocab: 4 },
    { dim: 4, bottleneck: 0, vocab: 3 },
    { dim: 7, bottleneck: 1, vocab: 6 },
  ]
  for (const shape of shapes) {
    it(`every parameter and the input, ${JSON.stringify(shape)}`, () => {
      const params = randomParams(shape, shape.dim * 10 + shape.bottleneck)
      const utterances = randomUtterances(shape.dim, shape.vocab, shape.vocab)
      const { grads, inputs } = batchGradients(params, utterances, 0)
      const loss = (): number => batchLoss(params, utterances, 0)
      const expected = numeric(params.data as Float64Array, loss)
      for (const t of parameterLayout(shape)) {
        const slice = (a: Float64Array): Float64Array => a.subarray(t.offset, t.offset + t.length)
        expect(maxError(slice(grads), slice(expected)), t.name).toBeLessThan(1e-6)
        expect(
          slice(grads).some((g) => g !== 0),
          `${t.name} has a gradient`,
        ).toBe(true)
      }
      utterances.forEach((u, k) => {
        expect(maxError(inputs[k]!, numeric(u.hidden, loss)), `input ${k}`).toBeLessThan(1e-6)
      })
    })
  }

  it('leaves a frozen adapter without gradients and the head unchanged', () => {
    const shape = { dim: 5, bottleneck: 3, vocab: 4 }
    const params = randomParams(shape, 1)
    const utterances = randomUtterances(shape.dim, 2, shape.vocab)
    const full = batchGradients(params, utterances, 0)
    const frozen = batchGradients(params, utterances, 0, false)
    for (const t of parameterLayout(shape)) {
      const f = frozen.grads.subarray(t.offset, t.offset + t.length)
      if (t.name.startsWith('adapter.')) expect(f.every((g) => g === 0)).toBe(true)
      else expect([...f]).toEqual([...full.grads.subarray(t.offset, t.offset + t.length)])
    }
    expect(maxError(frozen.inputs[0]!, full.inputs[0]!)).toBe(0)
  })
})

describe('adapter + head against PyTorch autograd', () => {
  const ref = reference.adapterHead
  const params: AdapterHeadParams = { shape: ref.shape, data: Float64Array.from(ref.params) }
  const utterances = ref.utterances.map((u) => ({ ...u, hidden: Float64Array.from(u.hidden) }))

  it('forward gives the same logits and loss', () => {
    utterances.forEach((u) => {
      expect(maxError(forward(params, u.hidden, u.frames), u.logits)).toBeLessThan(1e-6)
    })
    expect(Math.abs(batchLoss(params, utterances, ref.blank) - ref.loss)).toBeLessThan(1e-6)
  })

  it('backward gives the same gradient for every parameter and input', () => {
    const { grads, inputs } = batchGradients(params, utterances, ref.blank)
    for (const t of parameterLayout(ref.shape)) {
      const ours = grads.subarray(t.offset, t.offset + t.length)
      const theirs = ref.grads.slice(t.offset, t.offset + t.length)
      expect(maxError(ours, theirs), t.name).toBeLessThan(1e-4)
    }
    inputs.forEach((g, k) => expect(maxError(g, utterances[k]!.inputGrad)).toBeLessThan(1e-4))
  })

  it('gives the same answer with float32 parameters and inputs', () => {
    const p32: AdapterHeadParams = { shape: ref.shape, data: Float32Array.from(ref.params) }
    const u = utterances[0]!
    expect(maxError(forward(p32, Float32Array.from(u.hidden), u.frames), u.logits)).toBeLessThan(
      1e-5,
    )
  })
})

describe('adapter + head parameters', () => {
  it('lays the tensors out back to back, adapter first, weights [out × in]', () => {
    const layout = parameterLayout({ dim: 4, bottleneck: 2, vocab: 3 })
    expect(layout.map((t) => [t.name, t.dims.join('×'), t.offset])).toEqual([
      ['adapter.norm.weight', '4', 0],
      ['adapter.norm.bias', '4', 4],
      ['adapter.down.weight', '2×4', 8],
      ['adapter.down.bias', '2', 16],
      ['adapter.up.weight', '4×2', 18],
      ['adapter.up.bias', '4', 26],
      ['head.weight', '3×4', 30],
      ['head.bias', '3', 42],
    ])
    expect(parameterCount({ dim: 4, bottleneck: 2, vocab: 3 })).toBe(45)
    expect(parameterLayout({ dim: 4, bottleneck: 0, vocab: 3 }).map((t) => t.name)).toEqual([
      'head.weight',
      'head.bias',
    ])
    expect([...decayMask({ dim: 2, bottleneck: 1, vocab: 2 })]).toEqual([
      0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0,
    ])
  })

  it('starts as the identity adapter under a random head, the same for the same seed', () => {
    const shape = { dim: 192, bottleneck: 64, vocab: 40 }
    const a = initParams(shape, 42)
    const b = initParams(shape, 42)
    const c = initParams(shape, 43)
    expect(a.data).toBeInstanceOf(Float32Array)
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true)
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(c.data.buffer))).toBe(false)
    const v = tensorViews(shape, a.data)
    expect(v['adapter.up.weight']!.every((x) => x === 0)).toBe(true)
    expect(v['adapter.up.bias']!.every((x) => x === 0)).toBe(true)
    expect(v['adapter.norm.weight']!.every((x) => x === 1)).toBe(true)
    const down = v['adapter.down.weight']!
    const std = Math.sqrt(Array.from(down).reduce((s, x) => s + x * x, 0) / down.length)
    expect(std).toBeGreaterThan(0.8 * Math.sqrt(2 / 192))
    expect(std).toBeLessThan(1.2 * Math.sqrt(2 / 192))
    const limit = Math.sqrt(6 / (192 + 40))
    expect(v['head.weight']!.every((x) => Math.abs(x) <= limit)).toBe(true)
    expect(v['head.weight']!.some((x) => Math.abs(x) > limit / 2)).toBe(true)

    const random = seededRandom(9)
    const hidden = Float32Array.from({ length: 10 * 192 }, () => random.normal())
    expect([...applyAdapter(a, hidden, 10)]).toEqual([...hidden])
    const headOnly = initParams({ ...shape, bottleneck: 0 }, 42)
    expect(headOnly.data.length).toBe(40 * 192 + 40)
    const p = posteriors(a, hidden, 10)
    expect(p.frames).toBe(10)
    let sum = 0
    for (let v2 = 0; v2 < 40; v2++) sum += Math.exp(p.logProbs[v2]!)
    expect(sum).toBeCloseTo(1, 5)
  })

  it('refuses parameters that do not match their shape, and inputs that are too short', () => {
    const p = initParams({ dim: 4, bottleneck: 2, vocab: 3 }, 1)
    expect(() => forward({ ...p, data: p.data.subarray(1) }, new Float32Array(8), 2)).toThrow()
    expect(() => forward(p, new Float32Array(7), 2)).toThrow()
    expect(() => initParams({ dim: 4, bottleneck: -1, vocab: 3 }, 1)).toThrow(/bad shape/)
  })
})
