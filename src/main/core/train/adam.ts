/**
 * AdamW (Loshchilov & Hutter, 2019) over one flat parameter array, step for step as
 * torch.optim.AdamW computes it, with torch.nn.utils.clip_grad_norm_'s global-norm clipping.
 * Weight decay is decoupled (the parameter shrinks by lr · weightDecay, outside the adaptive
 * step) and applies only where the decay mask is 1: the projection matrices. LayerNorm gains and
 * biases are left undecayed, as is usual for transformers; decaying a LayerNorm gain pulls it
 * towards 0 rather than towards its neutral value 1.
 */
import type { FloatArray } from './kernels'

export interface AdamWOptions {
  lr: number
  beta1?: number
  beta2?: number
  eps?: number
  weightDecay?: number
  /** Global L2 norm the gradients are scaled down to before each step; none when absent. */
  maxGradNorm?: number
}

export interface AdamWStepInfo {
  /** The gradients' global L2 norm before clipping. */
  gradNorm: number
  clipped: boolean
}

/** Global L2 norm of the gradients. */
export function gradientNorm(grads: FloatArray): number {
  let sum = 0
  for (let i = 0; i < grads.length; i++) sum += grads[i]! * grads[i]!
  return Math.sqrt(sum)
}

/**
 * Scales the gradients in place so that their global norm is at most maxNorm, with
 * clip_grad_norm_'s coefficient maxNorm / (norm + 1e-6). Returns the norm before clipping.
 */
export function clipGradientNorm(grads: FloatArray, maxNorm: number): AdamWStepInfo {
  const gradNorm = gradientNorm(grads)
  const coefficient = maxNorm / (gradNorm + 1e-6)
  if (coefficient >= 1) return { gradNorm, clipped: false }
  for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! * coefficient
  return { gradNorm, clipped: true }
}

export class AdamW {
  private readonly m: Float64Array
  private readonly v: Float64Array
  private steps = 0
  readonly options: Required<Omit<AdamWOptions, 'maxGradNorm'>> & { maxGradNorm?: number }

  /**
   * decay: 1 where weight decay applies (adapter-head's decayMask); all decayed when absent.
   * lrScale: a multiplier of the learning rate per parameter (e.g. gentler steps for what was
   * inherited from a trained parent than for new rows); 1 everywhere when absent.
   */
  constructor(
    size: number,
    options: AdamWOptions,
    private readonly decay?: Uint8Array,
    private readonly lrScale?: Float32Array,
  ) {
    if (decay && decay.length !== size) throw new RangeError('adamw: decay mask size mismatch')
    if (lrScale && lrScale.length !== size) throw new RangeError('adamw: lrScale size mismatch')
    this.m = new Float64Array(size)
    this.v = new Float64Array(size)
    this.options = {
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0.01,
      ...options,
    }
  }

  get stepCount(): number {
    return this.steps
  }

  /**
   * One update of params in place from grads (which clipping may scale in place).
   * lr overrides options.lr for this step (a schedule).
   */
  step(params: FloatArray, grads: FloatArray, lr = this.options.lr): AdamWStepInfo {
    if (params.length !== this.m.length || grads.length !== this.m.length)
      throw new RangeError('adamw: parameter or gradient size mismatch')
    const { beta1, beta2, eps, weightDecay, maxGradNorm } = this.options
    const info =
      maxGradNorm === undefined
        ? { gradNorm: gradientNorm(grads), clipped: false }
        : clipGradientNorm(grads, maxGradNorm)
    this.steps++
    const correction1 = 1 - beta1 ** this.steps
    const correction2Sqrt = Math.sqrt(1 - beta2 ** this.steps)
    const { m, v, decay, lrScale } = this
    for (let i = 0; i < params.length; i++) {
      const g = grads[i]!
      const rate = lrScale ? lr * lrScale[i]! : lr
      let p = params[i]!
      if (!decay || decay[i] === 1) p *= 1 - rate * weightDecay
      const mi = beta1 * m[i]! + (1 - beta1) * g
      const vi = beta2 * v[i]! + (1 - beta2) * g * g
      m[i] = mi
      v[i] = vi
      params[i] = p - ((rate / correction1) * mi) / (Math.sqrt(vi) / correction2Sqrt + eps)
    }
    return info
  }
}
